/// The Python half of the protoc compatibility test. Run as
/// `python3 compat.py <repo Protos dir> <test protos dir> <output dir>`; generates Python modules
/// with grpc_tools.protoc, builds the same samples as `compatibilitySamples` by name, reads
/// `name hex` lines (the Swift encodings) from stdin, and prints for each one
/// `name <python hex> <C++ hex> ok` or `... mismatch <what python decoded>`.
///
/// The Python encoding is `SerializeToString(deterministic=True)` of the pure-Python
/// implementation (the caller sets PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python: upb's
/// deterministic mode does not sort map keys); the C++ one is the Debian `protoc --encode
/// --deterministic_output` of the sample's text format. Both sort map entries by key.
let compatibilityScript = #"""
import os
import shutil
import subprocess
import sys

try:
    from grpc_tools import protoc
    import google.protobuf
except ImportError as error:
    print("MISSING python packages (%s): install them with `pip install grpcio grpcio-tools protobuf`" % error)
    sys.exit(3)

PROTOC = shutil.which("protoc")
if PROTOC is None:
    print("MISSING the protoc compiler: install it with `apt-get install protobuf-compiler`")
    sys.exit(3)

repo_protos, test_protos, out = sys.argv[1], sys.argv[2], sys.argv[3]
for include, files in ((repo_protos, ["echo/v1/echo.proto", "catalog/v1/catalog.proto"]),
                       (test_protos, ["wiretest/v1/wiretest.proto"])):
    if protoc.main(["protoc", "-I" + include, "--python_out=" + out] + files) != 0:
        print("PROTOC FAILED on %s in %s" % (files, include))
        sys.exit(4)
sys.path.insert(0, out)

from google.protobuf import text_format
from echo.v1 import echo_pb2
from catalog.v1 import catalog_pb2
from wiretest.v1 import wiretest_pb2 as wt

INT32_MAX, INT32_MIN = 2**31 - 1, -2**31
INT64_MAX, INT64_MIN = 2**63 - 1, -2**63
UINT32_MAX, UINT64_MAX = 2**32 - 1, 2**64 - 1
FLOAT_MAX = 3.4028234663852886e+38
DOUBLE_MAX = 1.7976931348623157e+308


def full_product():
    p = catalog_pb2.Product(id="sku-42", name="Harbour Kettle \u263a \U0001F608", price_cents=4999,
                            tags=["kitchen", "steel", ""], stock=12,
                            availability=catalog_pb2.AVAILABILITY_IN_STOCK,
                            ratings=[5, 4, 0, -3, 300], coupon_code="SAVE10", featured=True,
                            thumbnail=bytes([0, 1, 0x7F, 0x80, 0xFF]))
    p.attributes.update({"colour": "silver", "capacity": "1.7 l", "": "empty key", "zeta": "", "\u00c9migr\u00e9": "\u00e9"})
    p.dimensions.width_cm = 22.5
    p.dimensions.height_cm = -0.0
    p.dimensions.depth_cm = 1e-300
    p.dimensions.weight_kg = 1.25
    return p


def samples():
    s = {}
    s["echo_request"] = echo_pb2.EchoRequest(text="hello, world \u263a \U0001F608")
    s["echo_request_empty"] = echo_pb2.EchoRequest()
    s["echo_response"] = echo_pb2.EchoResponse(text="x", index=7)
    s["product_full"] = full_product()
    neg = catalog_pb2.Product(id="neg", stock=-1, price_cents=INT64_MIN, discount_percent=INT32_MIN,
                              availability=99, ratings=[-1])
    neg.dimensions.SetInParent()
    s["product_negative"] = neg
    s["product_zero_discount"] = catalog_pb2.Product(discount_percent=0)
    rec = catalog_pb2.GetRecommendationsResponse()
    rec.products.append(full_product())
    rec.products.add()
    rec.products.add(id="b", ratings=[1, 2])
    s["recommendations"] = rec
    s["recommendations_request"] = catalog_pb2.GetRecommendationsRequest(product_id="sku-1", limit=5)
    s["list_request"] = catalog_pb2.ListProductsRequest(tag="garden", page_size=2)
    s["get_product_request"] = catalog_pb2.GetProductRequest(id="sku-1")
    s["scalars_max"] = wt.Scalars(i32=INT32_MAX, i64=INT64_MAX, u32=UINT32_MAX, u64=UINT64_MAX, s32=INT32_MAX,
                                  s64=INT64_MAX, f32=UINT32_MAX, f64=UINT64_MAX, sf32=INT32_MAX, sf64=INT64_MAX,
                                  fl=FLOAT_MAX, db=DOUBLE_MAX, b=True, color=wt.COLOR_BLUE, high=UINT32_MAX)
    s["scalars_min"] = wt.Scalars(i32=INT32_MIN, i64=INT64_MIN, s32=INT32_MIN, s64=INT64_MIN, sf32=INT32_MIN,
                                  sf64=INT64_MIN, fl=float("-inf"), db=-5e-324, color=wt.COLOR_NEGATIVE,
                                  opt=0, o_i32=0)
    s["scalars_small"] = wt.Scalars(i32=-1, i64=-1, u32=1, u64=127, s32=-1, s64=1, f32=1, f64=1, sf32=-1, sf64=-1,
                                    fl=-0.0, db=float("inf"), s="a\x00b", by=b"\x00", color=77, high=1)
    r = wt.Scalars(r_i32=[0, 1, -1, INT32_MAX, INT32_MIN, 128, 16384], r_s64=[0, -1, 1, INT64_MAX, INT64_MIN],
                   r_f32=[0, 1, UINT32_MAX], r_db=[0.0, -0.0, 1.5, float("-inf"), 3.141592653589793],
                   r_b=[True, False, True], r_color=[1, -1, 9, 0], unpacked_i64=[0, -1, 1 << 40],
                   r_s=["", "x", "\u00fc"], r_by=[b"", b"\x01\x02"])
    r.child.SetInParent()
    r.children.add(a=1, b="one")
    r.children.add()
    r.children.add(a=-2)
    r.o_msg.a = 3
    r.o_msg.b = "three"
    s["scalars_repeated"] = r
    m = wt.Scalars(o_s="")
    m.m_i32.update({0: "", -1: "minus one", 300: "three hundred", INT32_MIN: "min", INT32_MAX: "max"})
    m.m_msg["b"].a = 2
    m.m_msg["a"].SetInParent()
    m.m_msg["ab"].b = "x"
    m.m_msg[""].a = 9
    m.m_bool.update({True: -5, False: 0})
    m.m_s64.update({-2: 1, 2: 0, INT64_MIN: UINT32_MAX, 0: 7})
    s["scalars_maps"] = m
    s["scalars_empty"] = wt.Scalars()
    return s


expected = samples()
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    name, _, swift_hex = line.partition(" ")
    swift_hex = "" if swift_hex == "-" else swift_hex
    if name not in expected:
        print("%s - - unknown-sample" % name)
        continue
    message = expected[name]
    python_hex = message.SerializeToString(deterministic=True).hex()
    cpp = subprocess.run([PROTOC, "-I" + repo_protos, "-I" + test_protos,
                          "--encode=" + message.DESCRIPTOR.full_name, "--deterministic_output",
                          message.DESCRIPTOR.file.name],
                         input=text_format.MessageToString(message).encode(), capture_output=True)
    if cpp.returncode != 0:
        print("%s - - mismatch protoc-encode-failed %r" % (name, cpp.stderr.decode()))
        continue
    cpp_hex = cpp.stdout.hex()
    decoded = type(message)()
    try:
        decoded.ParseFromString(bytes.fromhex(swift_hex))
        verdict = "ok" if decoded == message else "mismatch " + repr(str(decoded))
    except Exception as error:
        verdict = "mismatch parse-error " + repr(str(error))
    print("%s %s %s %s" % (name, python_hex or "-", cpp_hex or "-", verdict))
    sys.stdout.flush()
"""#
