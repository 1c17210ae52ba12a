# lienthong: the HTTP service (port 3000) with its embedded engine and, unless ZEEBE_GATEWAY_PORT=0,
# that engine's Zeebe gRPC gateway (port 26500). Or, with ENGINE=zeebe, a client of a Camunda 8
# cluster (docker-compose.yml).
#
#   docker build -t lienthong .
#   docker run -p 3000:3000 -e JWT_SECRET=<32+ random characters> lienthong
#
# The image defaults to NODE_ENV=production: JWT_SECRET is then required, no demo data is loaded,
# and the gateway stays on loopback unless TLS files are given (src/config.ts). The compose files
# choose their own values.

# ---- build: dependencies, the type-check, the service and the browser app (esbuild) ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# .npmrc sets ignore-scripts=true: no dependency runs code at install, here as anywhere. The
# workspace-local lint plugin (a file: dependency) must be there before npm ci links it.
COPY package.json package-lock.json .npmrc ./
COPY packages ./packages
RUN npm ci
# Everything else the builds read (.dockerignore keeps node_modules, dist, data and .git out).
# The type-check covers the tests too (scripts/screenshots.ts imports helpers from tests/); the
# build (esbuild) only strips types, so an image is never built from code that does not check.
COPY . .
RUN npm run typecheck && npm run build && npm run build:web \
  && test -f dist/src/main.js && test -f dist/web/manifest.json \
  && npm prune --omit=dev

# ---- run ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/var/lib/lienthong
WORKDIR /app
# What dist/src/main.js reads at run time: its production dependencies (node_modules links the lint
# plugin under packages/), package.json and schemas/ (src/schemas.ts finds schemas/ next to
# package.json), the built service and browser app (dist/src, dist/web: src/http/web-assets.ts
# finds dist/web next to package.json and scripts/build-web.mjs) and the process catalogue
# (PROCESSES_DIR, default ./processes). Owned by root, so the service cannot rewrite its own code.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/schemas ./schemas
COPY --from=build /app/processes ./processes
COPY --from=build /app/scripts/build-web.mjs ./scripts/build-web.mjs
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/web ./dist/web
# The embedded PGlite database (when DATABASE_URL is unset) and other local files. A named volume
# mounted here starts with this directory's owner, so the non-root user can write to it.
RUN mkdir -p /var/lib/lienthong && chown node:node /var/lib/lienthong
VOLUME ["/var/lib/lienthong"]
# The node image's unprivileged user (uid 1000).
USER node
# 3000: HTTP (PORT). 26500: the embedded engine's Zeebe gRPC gateway (ZEEBE_GATEWAY_PORT; it listens
# beyond loopback only with ZEEBE_GATEWAY_HOST, see src/config.ts).
EXPOSE 3000 26500
# GET /healthz answers 200 {"status":"ok"} when the process runs and its database answers a query,
# 503 otherwise (src/http/health.ts). The slim image has no curl: Node's fetch asks.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself (src/main.ts): stops accepting, drains, closes the db.
CMD ["node", "dist/src/main.js"]
