# The worker and API image (one image, two commands). Node 20 with the project's dependencies;
# TypeScript runs through tsx, workflows are bundled by the worker at start.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev
COPY . .
USER node
EXPOSE 3000
CMD ["node_modules/.bin/tsx", "api/main.ts"]
