# syntax=docker/dockerfile:1
# shardflow consumer worker: `shardflow consume --pipeline both` as a long-lived container
# (the devices and households pipelines, with the shipped models of model-server/models).
# Build from the repository root:  docker build -f deploy/docker/worker.Dockerfile -t shardflow-worker .
# Stages: `build` compiles TypeScript with all dependencies; `deps` installs production
# dependencies only; the final stage holds dist/ + those, runs as `node` under tini so
# SIGTERM reaches Node (drain, checkpoint, release leases) and zombies are reaped.

FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20.19-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:20.19-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    SHARDFLOW_HTTP_PORT=9090
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/model-server/models ./model-server/models
COPY package.json ./
USER node
EXPOSE 9090
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SHARDFLOW_HTTP_PORT||9090)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/cli/cli.js", "consume", "--pipeline", "both"]
