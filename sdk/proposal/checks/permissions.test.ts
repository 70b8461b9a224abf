import { getAddress, keccak256, stringToHex, zeroHash, type Address } from "viem";
import { describe, expect, it } from "vitest";
import { stackAbi } from "../abis.ts";
import { authorityEventNames, roleName } from "../authority.ts";
import type { DecodedEvent } from "../dryRun.ts";
import { parseProposal } from "../proposalFile.ts";
import { authorityChanges, checkPermissions, permissionPolicy, weakensHolders } from "./permissions.ts";

const timelock = getAddress("0x0000000000000000000000000000000000000071");
const governor = getAddress("0x00000000000000000000000000000000000000a6");
const newcomer = getAddress("0x00000000000000000000000000000000000000b0");
const guardian = getAddress("0x00000000000000000000000000000000000000c0");
const proposer = keccak256(stringToHex("PROPOSER_ROLE"));
const canceller = keccak256(stringToHex("CANCELLER_ROLE"));
const event = (name: string, args: Record<string, unknown>, address: Address = timelock): DecodedEvent => ({
  address,
  name,
  args,
});
const granted = event("RoleGranted", { role: proposer, account: newcomer, sender: timelock });
/** The status and message of each finding of `events` against `declared`. */
const findings = (events: DecodedEvent[], declared: Parameters<typeof checkPermissions>[1] = []) =>
  checkPermissions(authorityChanges(events), declared).map((c) => [c.status, c.field, c.message] as const);

describe("Role ids", () => {
  it("decode to the contracts' role names by keccak256 (the admin role is zero); an unknown id stays as it is", () => {
    expect(roleName(proposer)).toBe("PROPOSER_ROLE");
    expect(roleName(canceller.toUpperCase().replace("0X", "0x") as `0x${string}`)).toBe("CANCELLER_ROLE");
    expect(roleName(zeroHash)).toBe("DEFAULT_ADMIN_ROLE");
    const unknown = keccak256(stringToHex("MINTER_ROLE"));
    expect(roleName(unknown)).toBe(unknown);
  });

  it("come with events the contracts emit: every authority event but Ownable's is in the stack's ABI", () => {
    const events = new Set(stackAbi.filter((i) => i.type === "event").map((i) => ("name" in i ? i.name : "")));
    expect(authorityEventNames.filter((name) => !events.has(name))).toEqual(["OwnershipTransferred"]);
  });
});

describe("Permissions policy: what the calls did to roles, guardians, modules and governance settings", () => {
  it("fails a role granted to a new address unless the file declares it to that address, then warns", () => {
    expect(findings([granted])).toEqual([
      [
        "fail",
        "permissions",
        `PROPOSER_ROLE granted to ${newcomer} on ${timelock} (not declared: add { grant: PROPOSER_ROLE, to: "${newcomer}" } to permissions if it is meant)`,
      ],
    ]);
    expect(findings([granted], [{ grant: "PROPOSER_ROLE", to: newcomer }])).toEqual([
      ["warn", "permissions[0]", `PROPOSER_ROLE granted to ${newcomer} on ${timelock} (declared)`],
    ]);
    // Declared to someone else, or another role: the grant made is not the one declared.
    expect(findings([granted], [{ grant: "PROPOSER_ROLE", to: guardian }]).map(([s]) => s)).toEqual(["fail", "warn"]);
    expect(findings([granted], [{ grant: "EXECUTOR_ROLE", to: newcomer }])[0]![0]).toBe("fail");
  });

  it("treats ownership as a role: a new owner fails unless declared as { grant: owner }", () => {
    const transferred = event("OwnershipTransferred", { previousOwner: timelock, newOwner: newcomer }, guardian);
    expect(findings([transferred]).map(([s, , m]) => [s, m.split(" (")[0]])).toEqual([
      ["fail", `owner granted to ${newcomer} on ${guardian}`],
      ["warn", `owner revoked from ${timelock} on ${guardian}`],
    ]);
    expect(findings([transferred], [{ grant: "owner", to: newcomer }]).map(([s]) => s)).toEqual(["warn", "warn"]);
  });

  it("warns of a role revoked, but fails CANCELLER_ROLE revoked undeclared (holders' cancel)", () => {
    const revoked = (role: `0x${string}`) => event("RoleRevoked", { role, account: governor, sender: timelock });
    expect(findings([revoked(proposer)])).toEqual([
      ["warn", "permissions", `PROPOSER_ROLE revoked from ${governor} on ${timelock} (not declared)`],
    ]);
    expect(findings([revoked(canceller)])[0]![0]).toBe("fail");
    expect(findings([revoked(canceller)], [{ revoke: "CANCELLER_ROLE", from: governor }])[0]![0]).toBe("warn");
  });

  it("fails a guardian replaced, or a delay lowered, unless declared; warns of one raised or of another setting", () => {
    const guardianSet = event(
      "GuardianSet",
      { oldGuardian: guardian, newGuardian: newcomer, expiresAt: 2_000n },
      governor,
    );
    expect(findings([guardianSet])).toEqual([
      [
        "fail",
        "permissions",
        `guardian changed on ${governor}: ${guardian} → ${newcomer}, until 2000 (not declared, and it weakens holders' guardian or time to exit: declare it in permissions if it is meant)`,
      ],
    ]);
    expect(findings([guardianSet], [{ change: "guardian" }])[0]![0]).toBe("warn");
    const delay = (from: bigint, to: bigint) => event("MinDelayChange", { oldDuration: from, newDuration: to });
    expect(findings([delay(172_800n, 3_600n)])[0]![0]).toBe("fail");
    expect(findings([delay(172_800n, 259_200n)])).toEqual([
      ["warn", "permissions", `minDelay changed on ${timelock}: 172800 → 259200 (not declared)`],
    ]);
    // As a report read back from JSON holds them: numbers as decimal strings.
    expect(
      findings([event("QuorumNumeratorUpdated", { oldQuorumNumerator: "4", newQuorumNumerator: "2" })])[0]![0],
    ).toBe("fail");
    expect(
      findings([event("ProposalThresholdSet", { oldProposalThreshold: 1n, newProposalThreshold: 0n })])[0]![0],
    ).toBe("warn");
  });

  it("warns of a module the calls replaced, named", () => {
    const changes = authorityChanges(
      [],
      [
        { name: "module.hedge", kind: "address", before: 0n, after: BigInt(newcomer) },
        { name: "rebalance.bandBps", kind: "bps", before: 500n, after: 400n },
      ],
    );
    expect(checkPermissions(changes).map((c) => [c.status, c.message])).toEqual([
      ["warn", `module.hedge replaced: 0x0000000000000000000000000000000000000000 → ${newcomer} (not declared)`],
    ]);
  });

  it("warns of a declared change the calls do not make, and passes when nothing changes", () => {
    expect(findings([], [{ change: "minDelay" }])).toEqual([
      ["warn", "permissions[0]", 'declares {"change":"minDelay"}, which the calls do not do'],
    ]);
    expect(findings([event("Transfer", { from: timelock, to: newcomer, value: 1n })])).toEqual([
      [
        "pass",
        "permissions",
        "the calls grant and revoke no role and change no guardian, module or governance setting",
      ],
    ]);
  });

  it("judges a setting's change by one rule, whether from an event or from calldata: lowered, replaced, or neither", () => {
    expect(weakensHolders("minDelay", 172_800n, 3_600n)).toBe(true);
    expect(weakensHolders("minDelay", "172800", "259200")).toBe(false);
    // Its value before unknown (calldata checked without the chain): it cannot be shown not to lower it.
    expect(weakensHolders("quorum", undefined, 5n)).toBe(true);
    expect(weakensHolders("guardian", undefined, undefined)).toBe(true);
    expect(weakensHolders("proposalThreshold", 10n, 0n)).toBe(false);
    expect(weakensHolders("module.hedge", undefined, undefined)).toBe(false);
  });

  it("is written as a table: every rule's undeclared and declared status", () => {
    expect(permissionPolicy.map((p) => [p.undeclared, p.declared])).toEqual([
      ["FAIL", "WARN"],
      ["FAIL", "WARN"],
      ["WARN", "WARN"],
      ["—", "WARN"],
      ["PASS", "PASS"],
    ]);
  });
});

describe("A proposal file's permissions", () => {
  const file = (permissions: string) =>
    `title: t\nbody: b\ncalls:\n  - target: "${timelock}"\n    data: "0x"\npermissions:\n${permissions}`;
  const read = (permissions: string) => parseProposal("proposals/x.yaml", file(permissions)).permissions;
  const fails = (permissions: string) => () => read(permissions);

  it("declare grants, revocations and setting changes", () => {
    expect(
      read(
        `  - { grant: PROPOSER_ROLE, to: "${newcomer}" }\n  - { revoke: owner, from: "${guardian}" }\n  - change: minDelay`,
      ),
    ).toEqual([{ grant: "PROPOSER_ROLE", to: newcomer }, { revoke: "owner", from: guardian }, { change: "minDelay" }]);
    expect(
      parseProposal("x.yaml", "title: t\nbody: b\nchanges:\n  fees.managementBps: 1%").permissions,
    ).toBeUndefined();
  });

  it("are refused with the field named when they are not a list of known roles, addresses and settings", () => {
    expect(fails("  grant: PROPOSER_ROLE")).toThrow(
      'proposals/x.yaml: permissions: must be a list of { grant: ROLE, to: "0x…" }, { revoke: ROLE, from: "0x…" } or { change: SETTING }',
    );
    expect(fails(`  - { grant: MINTER_ROLE, to: "${newcomer}" }`)).toThrow(
      'proposals/x.yaml: permissions[0].grant: "MINTER_ROLE" is not a role (expected one of DEFAULT_ADMIN_ROLE, PROPOSER_ROLE, EXECUTOR_ROLE, CANCELLER_ROLE, owner)',
    );
    expect(fails("  - { grant: PROPOSER_ROLE, to: 0x12 }")).toThrow(
      'proposals/x.yaml: permissions[0].to: must be an address in quotes ("0x…"), got 18',
    );
    expect(fails(`  - { revoke: CANCELLER_ROLE, from: "nobody" }`)).toThrow(
      'proposals/x.yaml: permissions[0].from: must be an address in quotes ("0x…"), got "nobody"',
    );
    expect(fails("  - change: guardians")).toThrow(
      'proposals/x.yaml: permissions[0].change: "guardians" is not a setting (expected one of guardian, rules,',
    );
    expect(fails(`  - { grant: PROPOSER_ROLE, from: "${newcomer}" }`)).toThrow(
      "proposals/x.yaml: permissions[0]: must be one of",
    );
    expect(fails(`  - { grant: PROPOSER_ROLE, from: "${newcomer}" }`)).toThrow("got the fields from,grant");
    expect(fails("  - 3")).toThrow("proposals/x.yaml: permissions[0]: must be one of");
  });
});
