# syntax=docker/dockerfile:1.7
# One Dockerfile for every image. Services (a subgraph or the gateway):
#   docker build --target service --build-arg WORKSPACE=subgraphs/tickets -t railgraph-tickets .
#   docker build --target service --build-arg WORKSPACE=gateway -t railgraph-gateway .
# The web app (static files of web/dist behind an unprivileged nginx):
#   docker build --target web -t railgraph-web .
# The migration Job runs a database service's own image with
#   args: ["packages/database/dist/migrate-cli.js", "<service>"]
# Every image runs as a non-root user and needs nothing writable but /tmp.

ARG NODE_IMAGE=node:20.20-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs20-debian12:nonroot
ARG WEB_IMAGE=nginxinc/nginx-unprivileged:1.27-alpine

# Only the package manifests, so the dependency layers are rebuilt only when they change.
# This stage and the build run on the builder's own platform (the output is JavaScript);
# only the production install below runs per target platform (native optional packages).
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -depth -type d -empty -delete

# The whole monorepo built once: codegen, Prisma clients, tsc, the web bundle.
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
WORKDIR /src
ENV CI=true TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY --from=manifests /src ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# The build's output without its dependencies, for the per-service trees to pick from.
FROM build AS build-output
RUN find . -name node_modules -type d -prune -exec rm -rf {} +

# One service's production dependencies, trimmed (docker/prune-runtime.mjs), and its tree.
FROM ${NODE_IMAGE} AS service-tree
ARG WORKSPACE
RUN test -n "${WORKSPACE}" || (echo "--build-arg WORKSPACE=<subgraphs/name|gateway> is required" >&2; exit 1)
WORKDIR /app
COPY --from=manifests /src ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace "${WORKSPACE}"
COPY docker/prune-runtime.mjs docker/assemble.mjs /tools/
COPY --from=build-output /src /src
RUN node /tools/prune-runtime.mjs /app \
 && node /tools/assemble.mjs "${WORKSPACE}" /src /app \
 && rm -f /app/package-lock.json

FROM ${RUNTIME_IMAGE} AS service
ARG WORKSPACE
ARG VERSION=dev
LABEL org.opencontainers.image.title="railgraph ${WORKSPACE}" \
      org.opencontainers.image.version="${VERSION}"
WORKDIR /app
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
COPY --from=service-tree /app /app
# 65532 is distroless' "nonroot"; the files stay owned by root, so the process cannot change them.
USER 65532:65532
CMD ["main.mjs"]

FROM ${WEB_IMAGE} AS web
ARG VERSION=dev
LABEL org.opencontainers.image.title="railgraph web" \
      org.opencontainers.image.version="${VERSION}"
ENV NGINX_ENTRYPOINT_QUIET_LOGS=1
COPY docker/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/web/dist /usr/share/nginx/html
# 101 is the image's unprivileged nginx user; it listens on 8080.
USER 101:101
EXPOSE 8080
