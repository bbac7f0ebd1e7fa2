# syntax=docker/dockerfile:1
# Build stage: all dependencies, TypeScript compiled to dist/.
FROM node:22-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY test/fakes ./test/fakes
RUN npm run build

# Runtime stage: production dependencies only, non-root. sqlite3 compiles from source (no prebuilt
# download), so the compiler is installed and removed again within the one layer.
FROM node:22-slim
ENV NODE_ENV=production \
    STORE_URL=sqlite:///app/data/threadloom.sqlite
WORKDIR /app
COPY package.json package-lock.json ./
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && npm ci --omit=dev --no-audit --no-fund \
    && apt-get purge -y python3 make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* /root/.npm
COPY --from=build /app/dist ./dist
# The web chat's page (its libraries come from node_modules).
COPY --from=build /app/src/adapters/web/page ./src/adapters/web/page
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
# /healthz is served on PORT (see README, Operations); the slim image has no curl, node has fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# --optimize-for-size: V8 trades some CPU for a much lower peak of memory (see docs/performance.md).
CMD ["node", "--optimize-for-size", "dist/src/main.js"]
