# k8s-worker container image: the supervisor as PID 1 and its worker processes.
#
#   docker build -t k8s-worker:0.1.0 .
#   docker run --rm --stop-timeout 90 -p 9464:9464 \
#     -e K8S_WORKER_KAFKA_BOOTSTRAP_SERVERS=kafka:9092 k8s-worker:0.1.0
#
# Two stages: the official Swift image builds release binaries with the Swift standard library linked in
# (scripts/install.sh, the same build as `make install`), and a slim Debian image runs them with only the
# C libraries they load. Checked by scripts/lint-container.sh (hadolint plus this project's rules); deployed
# by deploy/kubernetes/deployment.yaml.
#
# Base images are pinned by tag. For reproducible builds, pin them by digest as well (swift:6.3-bookworm@sha256:…).

FROM swift:6.3-bookworm AS build
# The -dev packages of the C libraries the Swift targets link (Package.swift's systemLibrary targets).
# Versions are not pinned: the build follows Debian 12's security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        librdkafka-dev libcurl4-openssl-dev libsystemd-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# SwiftPM loads every target of Package.swift, the test targets included, so Tests/ is needed to build.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tools ./Tools
COPY Tests ./Tests
COPY linker ./linker
COPY systemd ./systemd
COPY examples ./examples
COPY scripts/install.sh ./scripts/install.sh
# Builds k8s-worker and k8s-worker-process (swift build -c release --static-swift-stdlib) and stages them
# under /out/usr/local/bin. Only the binaries are taken from /out.
RUN DESTDIR=/out ./scripts/install.sh install

FROM debian:bookworm-slim
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="k8s-worker" \
      org.opencontainers.image.description="Turns Integr8sCode saga commands from Kafka into hardened Kubernetes Pods through a supervised pool of worker processes" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
# Runtime libraries only: librdkafka (Kafka), libcurl (Kubernetes API), libsystemd (sd_notify; inert
# without NOTIFY_SOCKET), OpenSSL (linked directly by the supervisor; also pulled in by the other two),
# CA certificates for TLS to brokers and API servers, libstdc++ for the statically linked Swift runtime
# (the base image has it already; listed so that stays true).
# A fixed numeric user and group (10001) that owns nothing in the image; the Deployment's runAsUser matches.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        librdkafka1 libcurl4 libsystemd0 libssl3 libstdc++6 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 k8s-worker \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin k8s-worker \
    && install -d -m 0750 -o root -g 10001 /etc/k8s-worker
COPY --from=build /out/usr/local/bin/k8s-worker /out/usr/local/bin/k8s-worker-process /usr/local/bin/
# The default configuration: Kafka source, Kubernetes handler, in-cluster credentials. Readable by the
# service's group only; mount your own over /etc/k8s-worker or override keys with K8S_WORKER_* variables.
COPY --chown=0:10001 --chmod=0640 examples/container.yaml /etc/k8s-worker/config.yaml
# /metrics, /healthz and /readyz. The supervisor's default is 127.0.0.1:9464, unreachable from outside
# the container, so the image listens on every address.
ENV K8S_WORKER_METRICS_LISTEN=0.0.0.0:9464
# GnuTLS is linked (through libcurl's librtmp) but never called: skip its load-time initialization (about 0.8 MB
# per process). Workers get it from the supervisor; credential plugins never inherit it.
ENV GNUTLS_NO_IMPLICIT_INIT=1
EXPOSE 9464
USER 10001:10001
# SIGTERM: stop intake, drain in-flight work (shutdown.drain_timeout, 60 s), publish, commit, exit 0, all by
# the stop's hard deadline (80 s by default). Give the container more than that before SIGKILL: docker
# --stop-timeout 90, terminationGracePeriodSeconds: 90.
STOPSIGNAL SIGTERM
# No HEALTHCHECK: the image has no HTTP client (no curl), a shell-made HTTP request would be a fragile
# stand-in, and Kubernetes ignores HEALTHCHECK anyway. Liveness and readiness come from the orchestrator
# probing GET /healthz and GET /readyz on port 9464 (deploy/kubernetes/deployment.yaml).
# Exec form: the supervisor itself is PID 1, receives SIGTERM/SIGHUP directly, and reaps every child
# (its workers and any orphan re-parented to it), so no init shim is needed.
ENTRYPOINT ["/usr/local/bin/k8s-worker"]
CMD ["run", "--config", "/etc/k8s-worker/config.yaml"]
