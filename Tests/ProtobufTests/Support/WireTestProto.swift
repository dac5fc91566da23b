/// The test-only `wiretest.v1` schema, written to a temporary directory by the protoc
/// compatibility tests. `WireTest_*` types mirror it by hand, as generated code would.
let wireTestProto = """
syntax = "proto3";

package wiretest.v1;

enum Color {
  COLOR_UNSPECIFIED = 0;
  COLOR_RED = 1;
  COLOR_BLUE = 2;
  COLOR_NEGATIVE = -1;
}

message Inner {
  int32 a = 1;
  string b = 2;
}

message Node {
  int32 value = 1;
  repeated Node children = 2;
}

message Scalars {
  int32 i32 = 1;
  int64 i64 = 2;
  uint32 u32 = 3;
  uint64 u64 = 4;
  sint32 s32 = 5;
  sint64 s64 = 6;
  fixed32 f32 = 7;
  fixed64 f64 = 8;
  sfixed32 sf32 = 9;
  sfixed64 sf64 = 10;
  float fl = 11;
  double db = 12;
  bool b = 13;
  string s = 14;
  bytes by = 15;
  Color color = 16;
  repeated int32 r_i32 = 17;
  repeated sint64 r_s64 = 18;
  repeated fixed32 r_f32 = 19;
  repeated double r_db = 20;
  repeated bool r_b = 21;
  repeated Color r_color = 22;
  repeated int64 unpacked_i64 = 23 [packed = false];
  repeated string r_s = 24;
  repeated bytes r_by = 25;
  Inner child = 26;
  repeated Inner children = 27;
  map<int32, string> m_i32 = 28;
  map<string, Inner> m_msg = 29;
  map<bool, sint64> m_bool = 30;
  oneof choice {
    string o_s = 31;
    int32 o_i32 = 32;
    Inner o_msg = 33;
  }
  optional int32 opt = 34;
  map<sint64, fixed32> m_s64 = 35;
  uint32 high = 536870911;
}
"""
