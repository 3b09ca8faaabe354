# syntax=docker/dockerfile:1
# One image for stampede: the reference stack, the MAD drivers, the host farm and the harness;
# the command picks the part (README.md, "The image"):
#   docker run --network host IMAGE stampede stack --port 40633 --farm http://127.0.0.1:40200
#   docker run --network host IMAGE stampede farm --hosts host-0001..host-0016 --listen 127.0.0.1:40200
#   docker run IMAGE stampede driver vmm          (what oned starts as its VMM MAD)
#   docker run -v "$PWD/out:/report" IMAGE stampede run --out /report
# BASE defaults to the official Node 22 image; a machine without an image registry builds one
# from Debian's packages with ci/offline-base-image.sh and names it:
#   docker build --network host --build-arg BASE=stampede-base:bookworm-node20 -t stampede .
ARG BASE=node:22-slim

# --- build: every dependency, the TypeScript compiled to dist/ -------------------------------
FROM ${BASE} AS build
# build stages are labelled so the container launch mode can prune what they leave behind
LABEL dev.stampede.launch=stage
WORKDIR /src
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
# no install scripts: nothing of ours needs one (the package's prepare would build too early)
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY sim sim
COPY opennebula opennebula
COPY adapters adapters
COPY stack stack
COPY harness harness
COPY reports reports
COPY cli cli
COPY bin bin
RUN npm run build

# --- runtime dependencies only ----------------------------------------------------------------
FROM ${BASE} AS deps
LABEL dev.stampede.launch=stage
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --omit=dev && npm cache clean --force

# --- the image --------------------------------------------------------------------------------
FROM ${BASE}
ARG BASE
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="stampede" \
      org.opencontainers.image.description="Scale-test harness for IaaS cloud stacks of the OpenNebula kind: reference stack, MAD drivers, host farm, harness" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="${BASE}"
# a user of its own (no login, no password), the one every command runs as
RUN useradd --system --uid 10001 --user-group --home-dir /home/stampede --create-home --shell /usr/sbin/nologin stampede
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /src/dist dist
COPY package.json ./
COPY bin bin
RUN ln -s /app/bin/stampede.js /usr/local/bin/stampede
ENV NODE_ENV=production \
    STAMPEDE_HEALTH_PORT=2633
USER 10001:10001
# The XML-RPC port of `stampede stack` (its --port): any answer, a fault included, is health.
# Other commands (farm, driver, run) leave it unhealthy; give them --no-healthcheck.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.STAMPEDE_HEALTH_PORT+'/RPC2',{method:'POST',headers:{'content-type':'text/xml'},body:'<methodCall><methodName>one.system.version</methodName></methodCall>'}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"
EXPOSE 2633
CMD ["stampede", "--help"]
