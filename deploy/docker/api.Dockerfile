# syntax=docker/dockerfile:1
# shardflow query API + live dashboard + HTTP ingest: `shardflow api` behind the load balancer.
# Build from the repository root:  docker build -f deploy/docker/api.Dockerfile -t shardflow-api .
# Stages as the worker's: `build` compiles TypeScript; `deps` installs production dependencies
# only (uPlot, the dashboard's charts, is one: it is served from node_modules); the final stage
# adds the dashboard's static files next to the compiled API (they are not TypeScript) and
# runs as `node` under tini. The API key comes from the environment (Secrets Manager → ECS).

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
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/api/dashboard ./dist/api/dashboard
COPY package.json ./
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/cli/cli.js", "api", "--host", "0.0.0.0", "--port", "8080"]
