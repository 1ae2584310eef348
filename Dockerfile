# syntax=docker/dockerfile:1
# Rouge on Node 24: one image for every role (rouge serve --roles ...) and for `rouge migrate`.
#
#   docker build -t rouge:0.1.0 .
#   docker run --rm -p 8080:8080 rouge:0.1.0 serve --demo
#
# Three stages: `build` compiles TypeScript and the web console with the dev dependencies; `deps` installs the
# production dependencies alone (native modules built for this Node and libc); the final stage
# copies both onto a slim Node 24 base and runs as an unprivileged user with a read-only root
# filesystem in mind (everything Rouge writes goes to /tmp and ROUGE_DATA_DIR).
# docs/kubernetes.md explains the choices.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# .npmrc carries onnxruntime-node-install=skip: the CPU runtime ships in the package, and its
# install script would otherwise try to download CUDA files.
COPY package.json package-lock.json .npmrc ./
# Scripts are skipped: `prepare` would compile before the sources are here (the build below
# does it), and tsc needs no native module.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The web console (React, built by Vite into dist/console, served at /console).
COPY console ./console
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# better-sqlite3 falls back to building from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
# The prepare script compiles TypeScript with a dev dependency: drop it for the production install.
RUN npm pkg delete scripts.prepare \
 && npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE}
# No NODE_ENV=production: Rouge reads it as --production, and the deployment chooses the mode
# (the Helm chart sets ROUGE_PRODUCTION).
ENV ROUGE_HOST=0.0.0.0 \
    ROUGE_PORT=8080 \
    ROUGE_DATA_DIR=/var/lib/rouge
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
COPY --chown=root:root package.json ./
# The code is owned by root and read-only to the process; only the data directory is its own.
RUN mkdir -p /var/lib/rouge && chown 1000:1000 /var/lib/rouge
# The node user of the official image, by number, so Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 8080
# Probes call these; the image's own check for docker run (Kubernetes ignores HEALTHCHECK).
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["serve"]
