#!/bin/bash
# Remove stopped containers, dangling images and unused volumes
set -euo pipefail

docker container prune -f
docker image prune -f
docker volume prune -f
docker system df
