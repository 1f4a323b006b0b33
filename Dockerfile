# syntax=docker/dockerfile:1
# Pitwall: `pitwall serve` (API, web dashboards, /metrics, the collector schedule) and every other
# command. Build: docker build -t pitwall . ; run: docs/deploy.md.

# The same Node line in both stages, pinned to a release so a rebuild does not change the runtime.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# 1. Build: all dependencies, then the server (tsc -> dist/) and the web bundle (vite -> dist/web).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm run build

# 2. Production dependencies only (no compilers, test tools or browsers in the image).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: what `npm pack` would ship (package.json "files": bin, dist, the migrations).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PITWALL_DB=/data/pitwall.duckdb
# git: the git collector (`pitwall collect git`) runs it; ca-certificates for its https remotes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY --from=build /app/dist ./dist
COPY src/store/migrations ./src/store/migrations
# The embedded DuckDB store lives on a volume; with DATABASE_URL set, PostgreSQL is used instead.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
# The base image's unprivileged user (uid 1000); nothing in /app is writable by it.
USER node
EXPOSE 4100
# Node is in the image and curl is not: ask /healthz (the store's ping) with fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4100/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/pitwall.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "4100"]
