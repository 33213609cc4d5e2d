# The recgraph API image. Qdrant and Postgres run as their own services (docker-compose.yml).
FROM node:20.20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production ONNXRUNTIME_NODE_INSTALL=skip CHECKPOINT_DISABLE=1
COPY package.json package-lock.json .npmrc ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY scripts ./scripts
# Dev dependencies stay out; --ignore-scripts keeps the install offline-safe (no package downloads a binary).
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund
COPY schema.graphql tsconfig.json ./
COPY src ./src
COPY training ./training
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:4000/health/ready').then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"
CMD ["node", "scripts/recgraph.mjs", "start"]
