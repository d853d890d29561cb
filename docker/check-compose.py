#!/usr/bin/env python3
"""Checks docker-compose.yml as Compose renders it (`docker-compose --profile P config`).

    docker-compose -f docker-compose.yml --profile cpu config > cpu.yml
    docker-compose -f docker-compose.yml --profile gpu config > gpu.yml
    python3 docker/check-compose.py cpu.yml gpu.yml

Exits 1 with one line per problem. Runs on Debian's python3 + python3-yaml (docker-compose's own
dependencies). What a user of the file relies on: a service per profile with the right image,
port 8000, both volumes, the /ready healthcheck, restart policy, the GPU reservation, no :latest.
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
    for problem in problems:
        print(f"compose: {problem}", file=sys.stderr)
    if not problems:
        print("compose: cpu and gpu profiles render; images, port 8000, volumes, /ready healthcheck, restart, GPU reservation: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
