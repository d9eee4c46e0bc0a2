import { decodeKey, encodeKey } from "../../src/storage/table-keys";

describe("table keys", () => {
  it("leaves Teams and Entra ids readable", () => {
    for (const id of ["19:abc123@thread.tacv2", "a:1XyZ-_aBc", "29:1AbC", "00000000-0000-4000-8000-000000000001", "19:x@thread.v2;messageid=17"]) {
      expect(encodeKey(id)).toBe(id);
    }
  });

  it("escapes every character a key may not hold, reversibly", () => {
    const awkward = "a/b\\c#d?e%f~g\u0001h\u007fi j'k😀l";
    const key = encodeKey(awkward);
    expect(key).toMatch(/^[A-Za-z0-9:;@._=~-]+$/);
    expect(decodeKey(key)).toBe(awkward);
  });

  it("keeps distinct ids distinct", () => {
    expect(encodeKey("a~2F")).not.toBe(encodeKey("a/"));
  });
});
