import { describe, expect, it } from "vitest";
import { bandProbabilities, quantilesOfFloat32 } from "./bands.ts";
import { createRandom } from "./random.ts";
import { quantile } from "./stats.ts";

describe("quantilesOfFloat32: fan-chart bands without a sort", () => {
  it("gives exactly the type-7 quantiles a sort gives, for any length and with ties, zeros and wide ranges", () => {
    const random = createRandom(11);
    const lengths = [1, 2, 3, 10, 257, 4_095, 4_096, 10_000, 20_001];
    for (const length of lengths) {
      for (const shape of ["lognormal", "few values", "zeros and spikes", "wide"] as const) {
        const values = new Float32Array(length);
        for (let i = 0; i < length; i++) {
          values[i] =
            shape === "lognormal"
              ? 1e6 * Math.exp(0.3 * random.normal())
              : shape === "few values"
                ? random.int(0, 4)
                : shape === "zeros and spikes"
                  ? random.next() < 0.3
                    ? 0
                    : 1e3 * random.next()
                  : Math.exp(40 * random.next());
        }
        const expected = bandProbabilities.map((p) => quantile(Float64Array.from(values), p));
        const got = quantilesOfFloat32(new Uint32Array(values.buffer), length, bandProbabilities, new Float64Array(5));
        expect(Array.from(got), `${shape}, ${length} values`).toEqual(expected);
      }
    }
  });

  it("gives zeros for an empty column", () => {
    expect(Array.from(quantilesOfFloat32(new Uint32Array(0), 0, bandProbabilities, new Float64Array(5)))).toEqual([
      0, 0, 0, 0, 0,
    ]);
  });
});
