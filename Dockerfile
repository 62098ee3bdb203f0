# syntax=docker/dockerfile:1
# Lavka's production image: Node.js 24 (pinned), production dependencies only, the web apps
# and the start-up bundle built, a non-root user, the data folder as a volume. Size budget:
# 350 MB uncompressed (README "Deploy"); test/e2e/deploy-files.test.ts checks the rules of this
# file with a Dockerfile parser.

ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# 1. The web apps (admin panel, sandbox chat, Mini App) and the start-up bundle
# (docs/decisions/0021), built with the dev dependencies.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the `node` dev dependency would download a second Node.js, and `prepare`
# would build before the sources are here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY web ./web
COPY src ./src
COPY locales ./locales
COPY tsconfig.json ./
RUN npm run build:web && npm run build:server

# 2. Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. What runs: `node dist/server/main.js` (as `npm start`) starts the bundle built in stage 1
# while it matches the sources beside it (they come from the same stage, so their sizes and
# times match the bundle's record), else the TypeScript sources directly (type stripping).
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=sqlite:/app/data/lavka.db \
    LAVKA_ENV_FILE=/app/data/.env
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/src ./src
COPY --from=build /app/dist/server ./dist/server
COPY locales ./locales
COPY presets ./presets
COPY assets ./assets
COPY --from=build /app/web/admin/dist ./web/admin/dist
COPY --from=build /app/web/chat/dist ./web/chat/dist
COPY --from=build /app/web/miniapp/dist ./web/miniapp/dist
# The code belongs to root and cannot be changed by the process; only the data folder is its.
RUN mkdir -p /app/data && chown node:node /app/data && chmod 0700 /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 8080
# /health/ready: the database answers, Redis and Telegram when used (README "When a dependency fails").
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: in-flight updates finish, new webhook requests get 503 (Telegram resends them),
# jobs stop, the database closes; main.ts gives up after 15 s (compose waits 20 s).
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
