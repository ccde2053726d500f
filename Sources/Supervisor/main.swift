print("k8s-worker")
