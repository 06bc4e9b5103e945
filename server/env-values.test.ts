import { describe, expect, it } from "vitest";
import { envBoolean, envNumber, envPort } from "./env-values.ts";

describe("environment values", () => {
  it("numbers: default when unset or blank, a minimum, whole numbers when asked, the variable named in the refusal", () => {
    expect(envNumber({}, "N", 7)).toBe(7);
    expect(envNumber({ N: "  " }, "N", 7)).toBe(7);
    expect(envNumber({ N: "2.5" }, "N", 7)).toBe(2.5);
    expect(envNumber({ N: "3" }, "N", 7, { min: 1, integer: true })).toBe(3);
    expect(() => envNumber({ N: "2.5" }, "N", 7, { integer: true, min: 1 })).toThrow('N must be a whole number of at least 1, got "2.5"');
    expect(() => envNumber({ N: "0" }, "N", 7, { min: 1 })).toThrow('N must be a number of at least 1, got "0"');
    for (const bad of ["x", "Infinity", "1e400", "0x", "--1"]) expect(() => envNumber({ N: bad }, "N", 7), bad).toThrow(/^N must be/);
  });
  it("ports: 0..65535, off only where allowed", () => {
    expect([envPort({}, "P", 80), envPort({ P: "0" }, "P", 80), envPort({ P: "65535" }, "P", 80)]).toEqual([80, 0, 65535]);
    expect(envPort({ P: "OFF" }, "P", 80, { off: true })).toBeNull();
    expect(() => envPort({ P: "off" }, "P", 80)).toThrow('P must be a port number from 0 to 65535, got "off"');
    for (const bad of ["70000", "1.5", "x", "-1"]) expect(() => envPort({ P: bad }, "P", 80, { off: true }), bad).toThrow('or "off"');
  });
  it("switches: true/1/false/0 in any case", () => {
    expect([envBoolean({}, "B", true), envBoolean({ B: "FALSE" }, "B", true), envBoolean({ B: "1" }, "B", false)]).toEqual([true, false, true]);
    expect(() => envBoolean({ B: "yes" }, "B", true)).toThrow('B must be true or false, got "yes"');
  });
});
