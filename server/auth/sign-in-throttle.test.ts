// The throttle's arithmetic on its own clock (the HTTP behaviour, behind a real proxy, is in
// tests/sign-in-behind-proxy.test.ts): a burst cannot outrun the free failures, only failures
// count, a success clears its pair, and quiet entries are forgotten.
import { describe, expect, it } from "vitest";
import { SIGN_IN_THROTTLE_DEFAULTS, SignInThrottle } from "./sign-in-throttle.ts";

const { pairFree } = SIGN_IN_THROTTLE_DEFAULTS;

function setUp() {
  let now = 1_000_000;
  const throttle = new SignInThrottle({ now: () => now });
  return { throttle, advance: (ms: number) => (now += ms) };
}

describe("SignInThrottle", () => {
  it("lets through no more than the free failures of a burst sent before any answer", () => {
    const { throttle } = setUp();
    const verdicts = Array.from({ length: 10 }, () => throttle.attempt("Owner@Example.com ", "10.0.0.1"));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(pairFree);
  });

  it("counts failures only, and a success clears the pair", () => {
    const { throttle, advance } = setUp();
    for (let i = 0; i < 5; i++) {
      const v = throttle.attempt("a@example.com", "10.0.0.1");
      expect(v.allowed).toBe(true);
      if (v.allowed) v.done("other"); // e.g. better-auth's own 429 or a 400: not a guess
    }
    for (let i = 0; i < pairFree; i++) {
      const v = throttle.attempt("a@example.com", "10.0.0.1");
      if (v.allowed) v.done("failure");
    }
    const waiting = throttle.attempt("A@example.com", "10.0.0.1");
    expect(waiting).toEqual({ allowed: false, retryAfterSeconds: 1 });
    advance(1_000);
    const right = throttle.attempt("a@example.com", "10.0.0.1");
    expect(right.allowed).toBe(true);
    if (right.allowed) right.done("success");
    expect(throttle.attempt("a@example.com", "10.0.0.1").allowed).toBe(true);
  });

  it("doubles the wait up to its cap, and forgets a pair an hour after its last failure", () => {
    const { throttle, advance } = setUp();
    const fail = () => {
      const v = throttle.attempt("b@example.com", "10.0.0.2");
      if (!v.allowed) return v.retryAfterSeconds;
      v.done("failure");
      return 0;
    };
    for (let i = 0; i < pairFree; i++) expect(fail()).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 14; i++) {
      const wait = fail();
      waits.push(wait);
      advance(wait * 1000);
      fail();
    }
    expect(waits.slice(0, 4)).toEqual([1, 2, 4, 8]);
    expect(Math.max(...waits)).toBe(SIGN_IN_THROTTLE_DEFAULTS.pairMaxDelayMs / 1000);
    advance(60 * 60_000 + 1);
    expect(throttle.attempt("b@example.com", "10.0.0.2").allowed).toBe(true);
  });
});
