import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { advise } from "../../sim/advisor/advise.ts";
import { parsePriceHistoryFile } from "../../sim/historyFile.ts";
import { modelParameterNames } from "../../sim/model/params.ts";
import { readDriftSetting, simulationLimits } from "../../sim/runSettings.ts";
import { advisorText, glidePathText } from "../../sdk/advisor/advisorText.ts";
import { glideFileOf, glideFiles, pointTarget } from "../../sdk/advisor/glideFiles.ts";
import { glidePath } from "../../sdk/advisor/glidePath.ts";
import { advisorRequest, type AdvisorSettings } from "../../sdk/advisor/request.ts";
import { withThreadPool } from "../../sdk/advisor/threads.ts";
import { checkProposal, type RegistrySnapshot } from "../../sdk/proposal/check.ts";
import { simulationBase } from "../../sdk/proposal/deployed.ts";
import { loadProposal } from "../../sdk/proposal/load.ts";
import { connect, json, type Command, type OptionValues } from "../command.ts";

/**
 * `trimtab advise`: the strategy advisor on the deployed vault (sim/advisor/advise.ts): the Pareto front of expected
 * return against CVaR 95 within the registry's rules, each point's robustness, whether the current (and a proposal's)
 * set is dominated; with `--point`, the glide path to that point, and with `--glide-dir` its proposal files.
 */
export const adviseCommand: Command = {
  name: "advise",
  argument: "",
  summary:
    "The strategy advisor: searches the parameter sets the registry's rules allow (NSGA-II on common random\n" +
    "numbers) for the Pareto front of expected return against CVaR 95, under ceilings on the liquidation probability\n" +
    "and the reverse stress test's breaking drop; checks each front point against the current set beyond Monte Carlo\n" +
    "error, under bear, flat and bull drifts and under each market model; says whether the current set (and a\n" +
    "proposal's, --proposal) is dominated, and by which point, metric by metric. --point <id> prints the glide path to\n" +
    "a point: the proposals that reach it, each within the max steps and min intervals, with their earliest execution;\n" +
    "--glide-dir writes them as proposal files.",
  examples: [
    "trimtab advise --paths 500 --population 16 --generations 2 --max-liquidation 0.5%",
    "trimtab advise --proposal proposals/examples/reweight.yaml --drift 8%",
    "trimtab advise --seed 7 --point 12 --glide-dir proposals/advisor-12",
    "trimtab advise",
  ],
  options: [
    "rpc",
    "deployment",
    "history",
    "params",
    "drift",
    "paths",
    "population",
    "generations",
    "seed",
    "threads",
    "max-liquidation",
    "min-breaking-drop",
    "proposal",
    "point",
    "glide-dir",
    "json",
    "out",
  ],
  async run(_argument, values) {
    const { settings, threads, point: pointId } = advisorFlags(values);
    const glideDir = values["glide-dir"];
    if (glideDir !== undefined && pointId === undefined)
      throw new Error("--glide-dir needs --point <id>: the point whose glide path to write");
    // Refuse at once, before the search, a folder that already holds a glide path to the point.
    const earlier =
      glideDir === undefined
        ? []
        : (await readdir(glideDir).catch(() => [])).filter((name) => glideFileOf(name) === pointId);
    if (earlier.length > 0)
      throw new Error(
        `--glide-dir: ${earlier.map((name) => path.join(glideDir!, name)).join(", ")} already exist; nothing written`,
      );
    const historyFile = values.history
      ? { name: values.history, table: parsePriceHistoryFile(await readFile(values.history, "utf8"), values.history) }
      : undefined;
    const stack = await connect(values, historyFile ? { historyFile } : {});
    const [snapshot, base] = [await stack.readSnapshot(), await simulationBase(stack)];
    const symbols = base.start.setup.symbols;
    const proposed = values.proposal ? await proposalChanges(values.proposal, snapshot, symbols) : undefined;
    const request = await named(() =>
      advisorRequest(base, snapshot, { ...settings, ...(proposed ? { proposed } : {}) }),
    );
    const started = performance.now();
    const result = await named(() =>
      withThreadPool(
        (evaluate) =>
          advise(request, evaluate, {
            onProgress: ({ phase, done, total }) => process.stderr.write(`\r${phase}: ${done}/${total}   `),
          }),
        threads,
      ),
    );
    process.stderr.write(`\radvised in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

    const point = pointId === undefined ? undefined : result.evaluated.find((p) => p.id === pointId);
    if (pointId !== undefined && !point)
      throw new Error(
        `--point ${pointId}: no set evaluated has this id (${result.evaluated.length} were, 0 to ${result.evaluated.length - 1}; the front: ${result.front.join(", ")})`,
      );
    const steps = point
      ? glidePath(snapshot, pointTarget(point, snapshot), { params: base.start.params, setup: base.start.setup })
      : undefined;
    if (values.out) await writeFile(values.out, json({ ...result, ...(steps ? { glidePath: steps } : {}) }));
    if (values.json) console.log(json({ ...result, ...(steps ? { glidePath: steps } : {}) }));
    else {
      console.log(advisorText(result, snapshot));
      if (point && steps) {
        const off = point.rank === 0 ? "" : " (not on the front)";
        console.log(`\nThe glide path to point ${point.id}${off}:\n${glidePathText(steps, snapshot)}`);
      }
    }
    if (glideDir !== undefined && point && steps) {
      const files = glideFiles(result, point, steps, snapshot);
      const paths = files.map((f) => path.join(glideDir, f.name));
      const existing = (
        await Promise.all(
          paths.map((p) =>
            stat(p).then(
              () => p,
              () => undefined,
            ),
          ),
        )
      ).filter((p) => p !== undefined);
      if (existing.length > 0) throw new Error(`--glide-dir: ${existing.join(", ")} already exist; nothing written`);
      await mkdir(glideDir, { recursive: true });
      for (const [i, file] of files.entries()) await writeFile(paths[i]!, file.text, { flag: "wx" });
      console.error(files.length === 0 ? "no proposal to write: the point is in force" : `wrote ${paths.join(", ")}`);
    }
    return 0;
  },
};

/** The advisor's settings, threads and point from the flags, each checked; errors name the flag. */
export function advisorFlags(values: Partial<OptionValues>): {
  settings: AdvisorSettings;
  threads?: number;
  point?: number;
} {
  const whole = (flag: string, text: string | undefined, min: number, max: number) => {
    if (text === undefined) return undefined;
    const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
    if (!(Number.isSafeInteger(value) && value >= min && value <= max))
      throw new Error(`--${flag} must be a whole number from ${min} to ${max.toLocaleString("en-US")}, got "${text}"`);
    return value;
  };
  const fraction = (flag: string, text: string | undefined, upTo: "up to" | "below") => {
    if (text === undefined) return undefined;
    const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
    const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
    if (!(value >= 0 && (upTo === "up to" ? value <= 1 : value < 1)))
      throw new Error(
        `--${flag} must be a percentage ("1%") or a fraction ("0.01") from 0 ${upTo} 100%, got "${text}"`,
      );
    return value;
  };
  const parameters = values.params?.split(",").map((name) => name.trim());
  if (parameters?.some((name) => name === ""))
    throw new Error(`--params must name registry parameters separated by commas, got "${values.params}"`);
  const drift = values.drift === undefined ? undefined : readDriftSetting(values.drift);
  if (drift && !drift.ok) throw new Error(`--drift ${drift.reason}`);
  const liquidationProbability = fraction("max-liquidation", values["max-liquidation"], "up to");
  const breakingDropAtLeast = fraction("min-breaking-drop", values["min-breaking-drop"], "below");
  const ceilings = {
    ...(liquidationProbability === undefined ? {} : { liquidationProbability }),
    ...(breakingDropAtLeast === undefined ? {} : { breakingDropAtLeast }),
  };
  const paths = whole("paths", values.paths, 2, simulationLimits.paths.max);
  const population = whole("population", values.population, 4, 1_000);
  const generations = whole("generations", values.generations, 0, 100);
  const seed = whole("seed", values.seed, 0, 2 ** 31 - 1);
  const threads = whole("threads", values.threads, 1, 256);
  const point = whole("point", values.point, 0, Number.MAX_SAFE_INTEGER);
  return {
    settings: {
      ...(parameters ? { parameters } : {}),
      ...(drift?.ok ? { drift: drift.drift } : {}),
      ...(Object.keys(ceilings).length > 0 ? { ceilings } : {}),
      ...(paths === undefined ? {} : { paths }),
      ...(population === undefined ? {} : { population }),
      ...(generations === undefined ? {} : { generations }),
      ...(seed === undefined ? {} : { seed }),
    },
    ...(threads === undefined ? {} : { threads }),
    ...(point === undefined ? {} : { point }),
  };
}

/** Runs `fn`, naming the flag an advisor error is about ("parameters: …" is --params', "drift: …" --drift's). */
async function named<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const message = (error as Error).message;
    const flag = /^parameters: /.test(message) ? "--params" : /^drift: /.test(message) ? "--drift" : undefined;
    throw flag ? new Error(`${flag}: ${message.replace(/^\w+: /, "")}`) : error;
  }
}

/** A proposal file's changes the model reads (registry names and values), checked against the registry. */
async function proposalChanges(
  file: string,
  snapshot: RegistrySnapshot,
  symbols: readonly string[],
): Promise<Record<string, bigint>> {
  const checked = checkProposal(file, await loadProposal(file), snapshot);
  const modelled = new Set(modelParameterNames(symbols));
  const changes = Object.fromEntries(checked.changes.filter((c) => modelled.has(c.name)).map((c) => [c.name, c.after]));
  if (Object.keys(changes).length === 0)
    throw new Error(`--proposal ${file}: it changes no parameter the simulation models (${checked.verdict})`);
  return changes;
}
