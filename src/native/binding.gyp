{
  "targets": [
    {
      "target_name": "geodesic_native",
      "sources": ["c/addon.c", "c/answer-cache.c", "c/udp-loop.c", "c/udp-socket.c", "c/pipe-pool.c", "c/relay-loop.c", "c/relay-udp.c", "c/rrl.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-std=gnu11"],
      "defines": ["_GNU_SOURCE", "NAPI_VERSION=8"],
      "conditions": [["OS!='linux'", {"type": "none"}]]
    }
  ]
}
