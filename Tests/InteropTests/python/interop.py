#!/usr/bin/env python3
"""Interop peer for Breakwater's tests: a grpcio server or client speaking Protos/echo/v1/echo.proto.

  interop.py server --protos DIR            serve Echo on 127.0.0.1:0; prints "PORT <n>" then serves
  interop.py client --protos DIR --port N   runs the client cases against a server; prints one JSON object

Both sides agree on these behaviours of Echo/Get, keyed by the request text:
  "error"      -> FAILED_PRECONDITION with SPECIAL_MESSAGE and trailers x-trailer / x-trailer-bin
  "slow"       -> waits (up to 10 s) until the call is cancelled or its deadline passes
  "remaining"  -> answers with the milliseconds left before the deadline ("none" without one)
  anything else-> echoes the text, with response header x-echo-header = request's x-custom
"""
import argparse
import json
import os
import sys
import tempfile
import time

SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001F608\t\n"
TRAILER_BIN = b"\x00\x01\xfe\xff"


def generate_stubs(protos):
    from grpc_tools import protoc
    out = tempfile.mkdtemp(prefix="breakwater-interop-")
    files = []
    for root, _, names in os.walk(protos):
        for name in names:
            if name.endswith(".proto"):
                files.append(os.path.relpath(os.path.join(root, name), protos))
    args = ["protoc", "-I" + protos, "--python_out=" + out, "--grpc_python_out=" + out] + files
    if protoc.main(args) != 0:
        raise SystemExit("grpc_tools.protoc failed on " + " ".join(files))
    sys.path.insert(0, out)


def serve(args):
    from concurrent import futures
    import grpc
    from echo.v1 import echo_pb2, echo_pb2_grpc

    class Echo(echo_pb2_grpc.EchoServicer):
        def Get(self, request, context):
            if request.text == "error":
                context.set_trailing_metadata((("x-trailer", "t-value"), ("x-trailer-bin", TRAILER_BIN)))
                context.abort(grpc.StatusCode.FAILED_PRECONDITION, SPECIAL_MESSAGE)
            if request.text == "slow":
                end = time.time() + 10
                while context.is_active() and time.time() < end:
                    time.sleep(0.01)
                return echo_pb2.EchoResponse(text="too late")
            if request.text == "remaining":
                left = context.time_remaining()
                return echo_pb2.EchoResponse(text="none" if left is None else str(int(left * 1000)))
            custom = dict(context.invocation_metadata()).get("x-custom", "")
            context.send_initial_metadata((("x-echo-header", custom),))
            return echo_pb2.EchoResponse(text=request.text)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    echo_pb2_grpc.add_EchoServicer_to_server(Echo(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("PORT %d" % port, flush=True)
    # Serve until stdin closes (the test process ends) or 120 s pass, so no peer outlives its test.
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            if sys.stdin.read(1) == "":
                break
    finally:
        server.stop(0)


def run_client(args):
    import grpc
    from echo.v1 import echo_pb2, echo_pb2_grpc

    results = {}
    with grpc.insecure_channel("127.0.0.1:%d" % args.port) as channel:
        stub = echo_pb2_grpc.EchoStub(channel)

        response, call = stub.Get.with_call(echo_pb2.EchoRequest(text="hello"), metadata=(("x-custom", "abc"),), timeout=10)
        results["success"] = {
            "text": response.text,
            "x-echo-header": dict(call.initial_metadata()).get("x-echo-header"),
            "code": call.code().name,
        }

        try:
            stub.Get(echo_pb2.EchoRequest(text="error"), timeout=10)
            results["error"] = {"code": "OK"}
        except grpc.RpcError as error:
            trailers = dict(error.trailing_metadata() or ())
            results["error"] = {
                "code": error.code().name,
                "details": error.details(),
                "x-trailer": trailers.get("x-trailer"),
                "x-trailer-bin": trailers.get("x-trailer-bin", b"").hex(),
            }

        start = time.monotonic()
        try:
            stub.Get(echo_pb2.EchoRequest(text="slow"), timeout=0.3)
            results["deadline"] = {"code": "OK"}
        except grpc.RpcError as error:
            results["deadline"] = {"code": error.code().name, "elapsed_ms": int((time.monotonic() - start) * 1000)}

        response = stub.Get(echo_pb2.EchoRequest(text="remaining"), timeout=5)
        results["remaining"] = {"text": response.text}

        try:
            channel.unary_unary("/echo.v1.Echo/NoSuchMethod")(b"", timeout=5)
            results["unknown_method"] = {"code": "OK"}
        except grpc.RpcError as error:
            results["unknown_method"] = {"code": error.code().name, "details": error.details()}

        # Many concurrent calls on the one channel.
        futures = [stub.Get.future(echo_pb2.EchoRequest(text="n%d" % i), timeout=20) for i in range(200)]
        texts = [f.result().text for f in futures]
        results["concurrent"] = {"ok": sum(1 for i, t in enumerate(texts) if t == "n%d" % i), "total": len(texts)}

    print(json.dumps(results), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["server", "client"])
    parser.add_argument("--protos", required=True)
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    generate_stubs(args.protos)
    if args.mode == "server":
        serve(args)
    else:
        run_client(args)


if __name__ == "__main__":
    main()
