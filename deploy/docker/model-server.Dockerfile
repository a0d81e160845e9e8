# syntax=docker/dockerfile:1
# shardflow model server: a SageMaker bring-your-own inference container.
# Build from the repository root:  docker build -f deploy/docker/model-server.Dockerfile -t shardflow-model-server .
# SageMaker starts it as `docker run <image> serve`, mounts the model artefact at
# /opt/ml/model and probes GET /ping and POST /invocations on port 8080. `serve` is the
# default argument, so a plain `docker run -p 8080:8080 <image>` behaves the same.

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
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /opt/ml/model
WORKDIR /app
# SageMaker calls the container from outside: listen on every interface (loopback elsewhere)
ENV NODE_ENV=production \
    SHARDFLOW_MODEL_SERVER_HOST=0.0.0.0
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# the shipped models: an endpoint without a model artefact serves one (SHARDFLOW_MODEL_DIR)
COPY --from=build /app/model-server/models ./model-server/models
COPY package.json ./
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/ping').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/model-server/serve.js"]
CMD ["serve"]
