#!/usr/bin/env python3
"""Checks docker-compose.yml as Compose renders it (`docker-compose --profile P config`).

    docker-compose -f docker-compose.yml --profile cpu config > cpu.yml
    docker-compose -f docker-compose.yml --profile gpu config > gpu.yml
    docker-compose -f docker-compose.yml --profile scale config > scale.yml
    python3 docker/check-compose.py cpu.yml gpu.yml [scale.yml]

Exits 1 with one line per problem. Runs on Debian's python3 + python3-yaml (docker-compose's own
dependencies). What a user of the file relies on: a service per profile with the right image,
port 8000, both volumes, the /ready healthcheck, restart policy, the GPU reservation, no :latest;
and the scale profile (issue 14): Redis, an S3 server, a one-shot bucket creation, an api service
and a worker service that can be `--scale`d (no container_name, no single fixed host port).
"""
import sys

import yaml

EXPECTED = {
    "cpu": {"service": "facecraft-cpu", "image": "djok/facecraft:cpu", "dockerfile": "Dockerfile.cpu"},
    "gpu": {"service": "facecraft-gpu", "image": "djok/facecraft:gpu", "dockerfile": "Dockerfile.gpu"},
}
VOLUMES = {"/app/uploads", "/app/processed"}


def volume_targets(service):
    targets = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):  # short syntax "name:/path[:mode]"
            parts = volume.split(":")
            targets[parts[1]] = {"type": "volume" if not parts[0].startswith(("/", ".")) else "bind", "source": parts[0]}
        else:
            targets[volume.get("target")] = volume
    return targets


def check_service(profile, rendered, problems):
    want = EXPECTED[profile]
    name = want["service"]
    service = rendered.get("services", {}).get(name)
    if service is None:
        problems.append(f"[{profile}] no service {name}")
        return
    where = f"[{profile}] {name}"
    if profile not in service.get("profiles", []):
        problems.append(f"{where}: not in profile {profile} (profiles: {service.get('profiles')})")
    if service.get("image") != want["image"]:
        problems.append(f"{where}: image {service.get('image')!r}, expected {want['image']!r}")
    if (service.get("build") or {}).get("dockerfile") != want["dockerfile"]:
        problems.append(f"{where}: build.dockerfile is not {want['dockerfile']}")
    if service.get("restart") != "unless-stopped":
        problems.append(f"{where}: restart {service.get('restart')!r}, expected 'unless-stopped'")

    ports = service.get("ports", [])
    if not any(str(p.get("target") if isinstance(p, dict) else str(p).split(":")[-1]) == "8000" for p in ports):
        problems.append(f"{where}: container port 8000 is not published ({ports})")

    targets = volume_targets(service)
    for path in sorted(VOLUMES):
        volume = targets.get(path)
        if volume is None:
            problems.append(f"{where}: nothing is mounted at {path}")
        elif volume.get("type", "volume") == "volume" and volume.get("source") not in rendered.get("volumes", {}):
            problems.append(f"{where}: {path} uses volume {volume.get('source')!r}, which is not declared")

    health = service.get("healthcheck") or {}
    test = health.get("test")
    test_text = " ".join(test) if isinstance(test, list) else str(test)
    if "/ready" not in test_text:
        problems.append(f"{where}: the healthcheck does not ask /ready ({test_text!r})")
    if not health.get("start_period"):
        problems.append(f"{where}: the healthcheck has no start_period to cover model loading")

    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    device = env.get("FACECRAFT_DEVICE")
    if device != ("cpu" if profile == "cpu" else "auto"):
        problems.append(f"{where}: FACECRAFT_DEVICE={device!r}")

    devices = (((service.get("deploy") or {}).get("resources") or {}).get("reservations") or {}).get("devices")
    if profile == "gpu":
        if not devices:
            problems.append(f"{where}: no deploy.resources.reservations.devices")
        else:
            nvidia = [d for d in devices if d.get("driver") == "nvidia" and "gpu" in (d.get("capabilities") or [])]
            if not nvidia:
                problems.append(f"{where}: no device reservation with driver nvidia and capabilities [gpu] ({devices})")
            elif not (nvidia[0].get("count") == "all" or nvidia[0].get("device_ids")):
                problems.append(f"{where}: the nvidia reservation names neither count: all nor device_ids")
    elif devices:
        problems.append(f"{where}: the CPU service reserves devices ({devices})")


def env_of(service):
    env = service.get("environment") or {}
    return dict(item.split("=", 1) for item in env) if isinstance(env, list) else env


def check_scale(rendered, problems):
    services = rendered.get("services") or {}
    in_profile = {name: s for name, s in services.items() if "scale" in (s.get("profiles") or [])}
    where = "[scale]"
    redis = [n for n, s in in_profile.items() if str(s.get("image", "")).startswith(("redis:", "valkey/valkey:"))]
    s3 = [n for n, s in in_profile.items() if str(s.get("image", "")).startswith(("chrislusf/seaweedfs:", "dxflrs/garage:"))]
    if not redis:
        problems.append(f"{where} no Redis or Valkey service")
    if not s3:
        problems.append(f"{where} no SeaweedFS or Garage service")
    bucket = in_profile.get("create-bucket")
    if bucket is None or bucket.get("restart") not in ("no", None):
        problems.append(f"{where} no one-shot create-bucket service (restart: no)")
    for name, role, command in (("api", "api", "serve"), ("worker", "worker", "worker")):
        service = in_profile.get(name)
        if service is None:
            problems.append(f"{where} no service {name}")
            continue
        env = env_of(service)
        expected = {"FACECRAFT_ROLE": role, "FACECRAFT_QUEUE": "bullmq", "FACECRAFT_STORE": "s3", "FACECRAFT_S3_FORCE_PATH_STYLE": "true"}
        for key, value in expected.items():
            if str(env.get(key)) != value:
                problems.append(f"{where} {name}: {key}={env.get(key)!r}, expected {value!r}")
        for key in ("FACECRAFT_REDIS_URL", "FACECRAFT_S3_ENDPOINT", "FACECRAFT_S3_BUCKET"):
            if not env.get(key):
                problems.append(f"{where} {name}: {key} is not set")
        if service.get("command") != [command]:
            problems.append(f"{where} {name}: command {service.get('command')!r}, expected [{command!r}]")
        if "container_name" in service:
            problems.append(f"{where} {name}: container_name prevents --scale")
        depends = service.get("depends_on") or {}
        if (depends.get("create-bucket") or {}).get("condition") != "service_completed_successfully":
            problems.append(f"{where} {name}: does not wait for create-bucket to complete")
        targets = volume_targets(service)
        if "/app/processed" in targets:
            problems.append(f"{where} {name}: mounts /app/processed (results belong in the S3 store)")
        ports = service.get("ports") or []
        if name == "worker" and ports:
            problems.append(f"{where} worker publishes ports ({ports}): it has no HTTP side")
        if name == "api":
            published = [str(p.get("published", "")) if isinstance(p, dict) else str(p) for p in ports]
            if not any("-" in p for p in published):
                problems.append(f"{where} api: publish a host port range so replicas do not collide ({published})")
            test = (service.get("healthcheck") or {}).get("test") or []
            if "/ready" not in " ".join(test if isinstance(test, list) else [str(test)]):
                problems.append(f"{where} api: the healthcheck does not ask /ready")


def main(paths):
    problems = []
    for profile, path in zip(("cpu", "gpu"), paths):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        rendered = yaml.safe_load(text)
        check_service(profile, rendered, problems)
        for name, service in (rendered.get("services") or {}).items():
            image = str(service.get("image", ""))
            if image.endswith(":latest") or (image and ":" not in image.rsplit("/", 1)[-1]):
                problems.append(f"[{profile}] {name}: image {image!r} is :latest or untagged")
        if ":latest" in text:
            problems.append(f"[{profile}] the rendered file mentions :latest")
    if len(paths) > 2:
        with open(paths[2], encoding="utf-8") as handle:
            text = handle.read()
        check_scale(yaml.safe_load(text), problems)
        if ":latest" in text:
            problems.append("[scale] the rendered file mentions :latest")
    for problem in problems:
        print(f"compose: {problem}", file=sys.stderr)
    if not problems:
        scale = "; scale profile: Redis, S3, bucket creation, api and worker roles" if len(paths) > 2 else ""
        print(f"compose: cpu and gpu profiles render; images, port 8000, volumes, /ready healthcheck, restart, GPU reservation: ok{scale}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
