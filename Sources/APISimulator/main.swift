print("k8s-api-simulator: not built yet")
