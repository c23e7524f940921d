# The server in a small image: built in a Rust image, run from Debian slim as a non-root
# user. The embedded SQLite store lives in the /data volume; set DATABASE_URL for
# Postgres (compose.yaml does). Build and run:
#   docker build -t twenty-rs .
#   docker run --rm -p 127.0.0.1:3000:3000 -v twenty-data:/data twenty-rs
# `cargo xtask docker` builds and smoke-tests it (or lints it where docker cannot build).

FROM rust:1.95.0-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p twenty-server \
    && cp target/release/twenty-server /twenty-server

FROM debian:bookworm-slim
# ca-certificates: webhook deliveries over HTTPS verify their targets against it. Not
# pinned: each build should get the distribution's current certificates.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home twenty \
    && mkdir /data \
    && chown twenty:twenty /data
COPY --from=build /twenty-server /usr/local/bin/twenty-server
USER 10001:10001
WORKDIR /data
ENV TWENTY_LISTEN=0.0.0.0:3000 \
    TWENTY_DATA_DIR=/data \
    TWENTY_LOG_FORMAT=json
EXPOSE 3000
VOLUME ["/data"]
ENTRYPOINT ["twenty-server"]
CMD ["serve"]
