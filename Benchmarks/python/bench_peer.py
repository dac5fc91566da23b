#!/usr/bin/env python3
"""grpcio peer for Breakwater's benchmarks (`make bench`): a reference server and client of
Protos/echo/v1/echo.proto on the gRPC C core, through grpcio's asyncio API.

  bench_peer.py server --protos DIR
      serves echo.v1.Echo/Get on 127.0.0.1:0; prints "PORT <n>", serves until stdin closes
  bench_peer.py client --protos DIR --port N [--in-flight 64] [--seconds 1] [--warm-up 0.3] [--runs 3]
      closed-loop load on one channel; checks every answer; prints one JSON line per run:
      {"calls": .., "errors": .., "seconds": .., "first_error": ..}
"""
import argparse
import asyncio
import atexit
import json
import os
import shutil
import sys
import tempfile
import time

TEXT = "breakwater-16b"  # the same 16-byte request as the Swift benchmarks


def generate_stubs(protos):
    from grpc_tools import protoc
    out = tempfile.mkdtemp(prefix="breakwater-bench-")
    atexit.register(shutil.rmtree, out, True)
    files = []
    for root, _, names in os.walk(protos):
        for name in names:
            if name.endswith(".proto"):
                files.append(os.path.relpath(os.path.join(root, name), protos))
    args = ["protoc", "-I" + protos, "--python_out=" + out, "--grpc_python_out=" + out] + files
    if protoc.main(args) != 0:
        raise SystemExit("grpc_tools.protoc failed on " + " ".join(files))
    sys.path.insert(0, out)


async def serve():
    import grpc
    from echo.v1 import echo_pb2, echo_pb2_grpc

    class Echo(echo_pb2_grpc.EchoServicer):
        async def Get(self, request, context):
            return echo_pb2.EchoResponse(text=request.text)

    server = grpc.aio.server(options=[("grpc.max_concurrent_streams", 1000)])
    echo_pb2_grpc.add_EchoServicer_to_server(Echo(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    print("PORT %d" % port, flush=True)
    loop = asyncio.get_running_loop()
    # Serve until stdin closes (the benchmark process ended or is done with us).
    while await loop.run_in_executor(None, sys.stdin.read, 1) != "":
        pass
    await server.stop(0)


async def load(args):
    import grpc
    from echo.v1 import echo_pb2, echo_pb2_grpc

    async with grpc.aio.insecure_channel("127.0.0.1:%d" % args.port) as channel:
        stub = echo_pb2_grpc.EchoStub(channel)
        request = echo_pb2.EchoRequest(text=TEXT)
        for _ in range(args.runs):
            start = time.monotonic()
            measure_from = start + args.warm_up
            measure_until = measure_from + args.seconds
            counts = {"calls": 0, "errors": 0, "first_error": None}

            async def worker():
                while True:
                    before = time.monotonic()
                    if before >= measure_until:
                        return
                    failure = None
                    try:
                        response = await stub.Get(request, timeout=30)
                        if response.text != TEXT:
                            failure = "wrong answer %r" % response.text
                    except grpc.RpcError as error:
                        failure = "%s: %s" % (error.code(), error.details())
                    after = time.monotonic()
                    if before < measure_from or after > measure_until:
                        continue
                    if failure is None:
                        counts["calls"] += 1
                    else:
                        counts["errors"] += 1
                        counts["first_error"] = counts["first_error"] or failure

            await asyncio.gather(*(worker() for _ in range(args.in_flight)))
            counts["seconds"] = args.seconds
            print(json.dumps(counts), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["server", "client"])
    parser.add_argument("--protos", required=True)
    parser.add_argument("--port", type=int)
    parser.add_argument("--in-flight", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--warm-up", type=float, default=0.3)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.mode == "client" and args.port is None:
        parser.error("client needs --port N (the server to load)")
    generate_stubs(args.protos)
    if args.mode == "server":
        asyncio.run(serve())
    else:
        asyncio.run(load(args))


if __name__ == "__main__":
    main()
