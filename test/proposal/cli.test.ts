import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { encodeErrorResult, encodeFunctionData, getAddress, zeroHash } from "viem";
import { parameterKey } from "../../parameters/parameterKey.ts";
import { parameterRegistryAbi, timelockControllerAbi } from "../../sdk/abis/contracts.ts";
import { parseProposal } from "../../sdk/proposal/proposalFile.ts";
import { commands } from "../../cli/commandTable.ts";
import { trimtab, writeUnreachableRecord } from "../helpers/trimtab.ts";

describe("trimtab, the delegates' command line", () => {
  it("scaffolds a proposal that parses, and never overwrites one", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "trimtab-cli-"));
    // No chain to read: the change starts from the catalog's 5%, half a 2.5% step away.
    const created = await trimtab("proposal", "new", "tighter-band", "--dir", dir, "--deployment", "/nonexistent.json");
    expect(created.code).toBe(0);
    expect(created.output).toContain(
      "its change moved from the catalog's first value (/nonexistent.json: no deployment record",
    );
    const file = path.join(dir, "tighter-band.yaml");
    const proposal = parseProposal(file, await readFile(file, "utf8"));
    expect(proposal.changes).toEqual({ "rebalance.bandBps": "3.75%" });
    expect(await trimtab("proposal", "new", "tighter-band", "--dir", dir)).toEqual({
      code: 2,
      output: `${file}: already exists\n`,
    });
    expect((await trimtab("proposal", "new", "Tighter Band", "--dir", dir)).output).toContain(
      'proposal names are lowercase words joined by dashes, e.g. tighter-band; got "Tighter Band"',
    );
  });

  it("answers bad usage with exit code 2 and says what was wrong", async () => {
    const unknown = await trimtab("proposal", "check", "x.yaml", "--rcp", "http://127.0.0.1:1");
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(/^Unknown option '--rcp'/);
    expect((await trimtab("proposal", "frobnicate", "x")).output).toContain('unknown command "proposal frobnicate"');
    const noRecord = await trimtab(
      "proposal",
      "check",
      "proposals/examples/hedge-more.yaml",
      "--deployment",
      "/nonexistent.json",
    );
    expect(noRecord).toEqual({
      code: 2,
      output: "/nonexistent.json: no deployment record (start the stack with npm start, or pass --deployment)\n",
    });
    // A chain that does not answer: one line naming its URL (the record's own) and the flag that sets another.
    const dir = await mkdtemp(path.join(tmpdir(), "trimtab-cli-"));
    const record = await writeUnreachableRecord(dir);
    expect(await trimtab("proposal", "check", "proposals/examples/hedge-more.yaml", "--deployment", record)).toEqual({
      code: 2,
      output: `cannot reach a chain at http://127.0.0.1:1 (the chain of ${record}): is it running? Set another with --rpc <url>\n`,
    });
    const badFile = await trimtab("proposal", "check", "proposals/README.md");
    expect(badFile).toEqual({
      code: 2,
      output: "proposals/README.md: a proposal is a .yaml or .ts file, or a folder\n",
    });
  });

  it("proposal simulate --history reads the user's price file first, refusing a bad one with its line and field", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "trimtab-cli-"));
    const file = path.join(dir, "prices.csv");
    await writeFile(file, "time,USDC,WETH,WBTC\n2025-01-01,1,3350,94000\n2025-01-02,1,-3000,95000\n");
    const simulate = (history: string) =>
      trimtab("proposal", "simulate", "proposals/examples/hedge-more.yaml", "--history", history);
    expect(await simulate(file)).toEqual({
      code: 2,
      output: `${file}: line 3, WETH: "-3000" is not a positive price in USD per whole token\n`,
    });
    expect((await simulate(path.join(dir, "missing.csv"))).code).toBe(2);
  });

  it("prints --help for the whole CLI and for every command, each option with what it means", async () => {
    const overview = await trimtab("--help");
    expect(overview.code).toBe(0);
    for (const name of ["new", "check", "simulate", "submit", "queue", "execute", "signal", "vote"])
      expect(overview.output).toContain(`trimtab proposal ${name} `);
    expect((await trimtab("proposal", "--help")).output).toBe(overview.output);
    const submit = await trimtab("proposal", "submit", "--help");
    expect(submit.code).toBe(0);
    expect(submit.output).toMatch(
      /^usage: trimtab proposal submit <file> \[--rpc <url>\] \[--deployment <file>\] \[--account <n>\]\n/,
    );
    expect(submit.output).toContain("A FAIL verdict proposes nothing");
    expect(submit.output).toMatch(
      /--rpc <url> +JSON-RPC of the chain \(default: the deployment record's, else http:\/\/127\.0\.0\.1:8545\)/,
    );
    expect(submit.output).toMatch(
      /--account <n> +sign with the node's n-th unlocked account \(or set TRIMTAB_PRIVATE_KEY\)/,
    );
    expect((await trimtab("proposal", "vote", "-h")).output).toMatch(/--choice <choice> +For, Against or Abstain/);
    expect(await trimtab()).toMatchObject({ code: 2, output: expect.stringContaining("usage:") });
  });

  it("prints usage for every way of asking for help, with exit code 0, and each command's synopsis, options and example", async () => {
    const overview = await trimtab("--help");
    expect(await trimtab("help")).toEqual(overview);
    expect(await trimtab("-h")).toEqual(overview);
    expect(overview.output).toContain("trimtab help <command>");
    // Every command listed: `trimtab <command> --help` and `trimtab help <command>` print its usage, options, example.
    const listed = [...overview.output.matchAll(/^ {2}trimtab ((?:proposal |devnet )?[\w-]+) /gm)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThanOrEqual(11);
    for (const words of listed) {
      const help = await trimtab(...words.split(" "), "--help");
      expect(help.code, words).toBe(0);
      // Its argument, or its options at once for a command the table says takes none (advise).
      const takesNone = commands.find((c) => [c.group, c.name].filter(Boolean).join(" ") === words)?.argument === "";
      expect(help.output, words).toMatch(new RegExp(`^usage: trimtab ${words} ${takesNone ? "\\[--" : "<"}`));
      expect(help.output, words).toMatch(/\n\noptions:\n {2}--/);
      expect(help.output, words).toMatch(new RegExp(`\n\nexamples?:\n {2}trimtab ${words} \\S`));
    }
    expect(await trimtab("help", "proposal", "check")).toEqual(await trimtab("proposal", "check", "--help"));
    // A group without its command says what is missing.
    expect(await trimtab("proposal")).toMatchObject({
      code: 2,
      output: expect.stringMatching(/^missing a proposal command\nusage:/),
    });
    expect((await trimtab("help", "frobnicate")).output).toMatch(/^unknown command "frobnicate"/);
  });

  it("decodes calldata and revert data offline, naming the record's contracts, and names an unknown selector", async () => {
    const registry = getAddress("0x00000000000000000000000000000000000000a1");
    const hedge = getAddress("0x00000000000000000000000000000000000000a3");
    const record = await writeUnreachableRecord(await mkdtemp(path.join(tmpdir(), "trimtab-cli-")), {
      ParameterRegistry: registry,
      HedgeModule: hedge,
    });
    const dir = path.dirname(record);
    const update = encodeFunctionData({
      abi: parameterRegistryAbi,
      functionName: "setParameters",
      args: [
        [
          { key: parameterKey("rebalance.bandBps"), value: 400n },
          { key: parameterKey("module.hedge"), value: BigInt(hedge) },
        ],
      ],
    });
    const batch = encodeFunctionData({
      abi: timelockControllerAbi,
      functionName: "scheduleBatch",
      args: [[registry], [0n], [update], zeroHash, zeroHash, 172_800n],
    });
    expect(await trimtab("decode", batch, "--deployment", record)).toEqual({
      code: 0,
      output: [
        "scheduleBatch(address[],uint256[],bytes[],bytes32,bytes32,uint256)",
        "  targets:",
        `    ${registry} (ParameterRegistry)`,
        "  values:",
        "    0",
        "  payloads:",
        `    ${(update.length - 2) / 2} bytes: call 1 below`,
        `  predecessor: ${zeroHash}`,
        `  salt: ${zeroHash}`,
        "  delay: 2d (172800 s)",
        `  call 1: ParameterRegistry (${registry})`,
        "    setParameters((bytes32,uint256)[])",
        "      updates:",
        "        rebalance.bandBps = 4% (400 bps)",
        `        module.hedge = ${hedge} (HedgeModule)`,
        // The record's chain does not answer: said on stderr, after what was decoded.
        `(cannot reach a chain at http://127.0.0.1:1 (the chain of ${record}): is it running? Set another with --rpc <url>; ` +
          "parameter kinds come from the catalog, base-asset amounts stay in base wei)",
        "",
      ].join("\n"),
    });
    // Without a record, still decoded; --json keeps the raw values.
    const missing = ["--deployment", path.join(dir, "none.json")];
    const decoded = await trimtab("decode", update, ...missing, "--json");
    expect(decoded.code).toBe(0);
    expect(JSON.parse(decoded.output.slice(0, decoded.output.lastIndexOf("}") + 1))).toMatchObject({
      kind: "call",
      functionName: "setParameters",
      args: [{ name: "updates", text: ["rebalance.bandBps = 4% (400 bps)", `module.hedge = ${hedge}`] }],
    });
    const revert = encodeErrorResult({
      abi: parameterRegistryAbi,
      errorName: "ParameterUnchanged",
      args: [parameterKey("hedge.ratioBps"), 5_000n],
    });
    expect((await trimtab("decode", revert, ...missing)).output).toMatch(
      /^error ParameterUnchanged\(hedge\.ratioBps, 5000\)\n/,
    );
    expect((await trimtab("decode", "0xdeadbeef", ...missing)).output).toMatch(
      /\nunknown selector 0xdeadbeef: no function or error of the stack's contracts has it\n$/,
    );
    expect((await trimtab("decode", "0xdeadbeef", ...missing)).code).toBe(2);
  });

  it("takes only a command's own options and exactly one argument (none for one that takes none)", async () => {
    const foreign = await trimtab("proposal", "check", "x.yaml", "--space", "trimtab.eth");
    expect(foreign.code).toBe(2);
    expect(foreign.output).toMatch(/^Unknown option '--space'/);
    expect(foreign.output).toContain("usage: trimtab proposal check <file>");
    expect(await trimtab("proposal", "queue")).toEqual({
      code: 2,
      output: "missing <id>\nusage: trimtab proposal queue <id> [--rpc <url>] [--deployment <file>] [--account <n>]\n",
    });
    expect((await trimtab("proposal", "check", "a.yaml", "b.yaml")).output).toMatch(/^unexpected b\.yaml\n/);
    // A command without an argument takes none.
    expect((await trimtab("advise", "now")).output).toMatch(/^unexpected now\nusage: trimtab advise \[--rpc <url>\]/);
    expect(await trimtab("proposal", "queue", "twelve")).toEqual({
      code: 2,
      output: 'a proposal id is a decimal number; got "twelve"\n',
    });
  });
});
