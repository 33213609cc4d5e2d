# The recgraph API image. Qdrant and Postgres run as their own services (docker-compose.yml).
FROM node:20.20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production CHECKPOINT_DISABLE=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY scripts ./scripts
# Dev dependencies stay out. This image's npm (10) does not read package.json's allowScripts, so --ignore-scripts
# keeps dependency install scripts (onnxruntime-node's CUDA download) from running.
# Optional dependencies stay in (esbuild's platform binary, which tsx needs, is one); the bundled Qdrant is removed,
# Qdrant is its own service here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm -rf node_modules/@just-memory
COPY schema.graphql tsconfig.json ./
COPY src ./src
COPY training ./training
# The web console's browser sources (bundled in memory at start when RECGRAPH_CONSOLE=on; off by default here).
COPY console ./console
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:4000/health/ready').then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"
# node itself, no npm or shell in between: SIGTERM from `docker stop` reaches the server, which stops cleanly (its
# handlers are installed before startup, so this works as PID 1 too; compose adds an init that also reaps children).
CMD ["node", "scripts/recgraph.mjs", "start"]
