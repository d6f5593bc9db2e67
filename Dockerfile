# syntax=docker/dockerfile:1
# Multi-stage: build with dev dependencies, run with production ones only, as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
# Only the product: src/ and migrations/ (tools/, test/ and scripts/ are not in the image).
RUN npm run build:src && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends curl tini && rm -rf /var/lib/apt/lists/* \
  && groupadd --system app && useradd --system --gid app --home /app app
COPY --from=build --chown=app:app /app/node_modules ./node_modules
COPY --from=build --chown=app:app /app/dist ./dist
COPY --from=build --chown=app:app /app/package.json ./package.json
USER app
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD curl -fsS http://127.0.0.1:3000/health/live || exit 1
# tini forwards SIGTERM so workers close gracefully (in-flight jobs finish or return to the queue).
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["sh", "-c", "node dist/src/database/create-database.js && node node_modules/typeorm/cli.js migration:run -d dist/src/database/data-source.js && node dist/src/main.js"]
