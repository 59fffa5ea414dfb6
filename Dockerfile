# One image for every project process (worker, bridge, ERP listener, API, edge gateway, simulators, migrations):
# docker-compose.yml picks the process with `command`. The engine runs TypeScript through tsx (a runtime
# dependency), so the image is the sources and their production dependencies, no build step.
FROM node:20.19-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20.19-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The data dir holds the edge gateway's buffer and PKI; the unprivileged user owns nothing else.
RUN mkdir -p /var/lib/mes && chown 1000:1000 /var/lib/mes
# The image's `node` user, by number so the host and Kubernetes can check it is not root.
USER 1000:1000
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["workers/planner-api.ts"]
