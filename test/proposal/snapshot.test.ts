import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import snapshot from "@snapshot-labs/snapshot.js";
import hre from "hardhat";
import { createWalletClient, hashTypedData, http, recoverTypedDataAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { erc20VotesPower, sendToHub } from "../../sdk/snapshot/hub.ts";
import { signalMessage, signSnapshot, voteMessage, type SnapshotEnvelope } from "../../sdk/snapshot/messages.ts";
import { signSignal, signSnapshotVote } from "../../sdk/snapshot/sign.ts";
import { deployGovernance, expectRefusal, holdings } from "../helpers/governance.ts";
import { deployVault } from "../helpers/vault.ts";

// snapshot.js is CommonJS: its exports are the object its typings call `default`.
const { utils } = snapshot as unknown as typeof snapshot.default;
type SignedData = Parameters<typeof utils.verify>[2];

// A throwaway key: signing is local, the transport is never used.
const account = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const wallet = createWalletClient({ account, transport: http("http://127.0.0.1:1") });
const signal = () =>
  signalMessage({
    from: account.address,
    space: "trimtab.eth",
    title: "Hedge 60% of the WETH exposure",
    body: "Raise the hedge ratio.\n\nImpact report: 0xabc",
    startSeconds: 1_800_000_000,
    endSeconds: 1_800_259_200,
    snapshotBlock: 123,
    timestampSeconds: 1_800_000_000,
  });

describe("Snapshot signalling, signed with Snapshot's own EIP-712 domain and types", () => {
  it("signs a signalling proposal that snapshot.js verifies, hashing to what snapshot.js hashes", async () => {
    const envelope = await signSnapshot(wallet, account, signal());
    expect(envelope.address).toBe(account.address);
    expect(envelope.data.message).toMatchObject({ type: "single-choice", choices: ["For", "Against", "Abstain"] });
    const data = envelope.data as unknown as SignedData;
    expect(await utils.verify(envelope.address, envelope.sig, data)).toBe(true);
    expect(utils.getHash(data)).toBe(hashTypedData({ ...envelope.data, primaryType: "Proposal" } as never));
    // Another body under the same signature no longer comes from the signer.
    const tampered = { ...envelope.data.message, body: "Raise it to 90%." };
    const recovered = await recoverTypedDataAddress({
      ...envelope.data,
      primaryType: "Proposal",
      message: tampered,
      signature: envelope.sig,
    } as never);
    expect(recovered).not.toBe(account.address);
  });

  it("signs a vote that snapshot.js verifies, and refuses a choice that is not For, Against or Abstain", async () => {
    const message = voteMessage({
      from: account.address,
      space: "trimtab.eth",
      proposal: "0x1234",
      choice: "Against",
      reason: "too much hedge",
      timestampSeconds: 1_800_000_100,
    });
    expect(message.choice).toBe(2);
    const envelope = await signSnapshot(wallet, account, message);
    const data = envelope.data as unknown as SignedData;
    expect(await utils.verify(envelope.address, envelope.sig, data)).toBe(true);
    expect(() => voteMessage({ ...message, from: account.address, choice: "Yes", timestampSeconds: 1 })).toThrow(
      'choice must be one of For, Against, Abstain, got "Yes"',
    );
    expect(() =>
      signalMessage({
        ...signal(),
        from: account.address,
        startSeconds: 5,
        endSeconds: 5,
        timestampSeconds: 1,
        snapshotBlock: 1,
      }),
    ).toThrow("the signal must end after it starts");
  });

  it("posts the envelope to a hub, and reports the hub's refusal with its reason", async () => {
    const received: unknown[] = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        const envelope = JSON.parse(body) as SnapshotEnvelope;
        received.push(envelope);
        const ok = envelope.data.message.space === "trimtab.eth";
        response.writeHead(ok ? 200 : 400, { "content-type": "application/json" });
        response.end(JSON.stringify(ok ? { id: "0xproposal" } : { error: "unknown space" }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const envelope = await signSnapshot(wallet, account, signal());
      expect(await sendToHub(hub, envelope)).toEqual({ id: "0xproposal" });
      expect(received).toEqual([JSON.parse(JSON.stringify(envelope))]);
      const elsewhere = await signSnapshot(wallet, account, { ...signal(), space: "other.eth" });
      await expect(sendToHub(hub, elsewhere)).rejects.toThrow(
        `the hub at ${hub} refused the message (400): {"error":"unknown space"}`,
      );
    } finally {
      server.close();
    }
  });

  it("counts voting power as the erc20-votes strategy does: getVotes at the snapshot block", async () => {
    const connection = await hre.network.create();
    const v = await deployVault(connection);
    const client = await connection.viem.getPublicClient();
    const alice = v.accounts.alice.account.address;
    const snapshotBlock = await client.getBlockNumber();
    expect(await erc20VotesPower(client, v.token.address, alice, snapshotBlock)).toBe(holdings.alice);
    // Tokens moved after the snapshot block do not count in it.
    await v.token.write.transfer([v.accounts.carol.account.address, holdings.alice], {
      account: v.accounts.alice.account,
    });
    expect(await erc20VotesPower(client, v.token.address, alice, snapshotBlock)).toBe(holdings.alice);
    expect(await erc20VotesPower(client, v.token.address, alice, await client.getBlockNumber())).toBe(0n);
  });

  it("signals a draft and votes through the SDK's flows, each refused first with what is wrong", async () => {
    const connection = await hre.network.create();
    const gov = await deployGovernance(connection);
    const publicClient = await connection.viem.getPublicClient();
    const { alice, eve } = gov.accounts;
    const token = gov.token.address;
    const proposal = { title: "Tighter band", body: "From 5% to 4%.", changes: {}, calls: [], simulation: {} };
    await expectRefusal(
      signSignal({ publicClient, walletClient: alice }, { space: "trimtab eth", proposal, days: 3 }),
      'The Snapshot space is a name such as trimtab.eth; got "trimtab eth".',
    );
    await expectRefusal(
      signSignal({ publicClient, walletClient: alice }, { space: "trimtab.eth", proposal, days: 31 }),
      "A signal lasts 1 to 30 whole days; got 31.",
    );
    const nowSeconds = 1_800_000_000;
    const signalEnvelope = await signSignal(
      { publicClient, walletClient: alice },
      { space: "trimtab.eth", proposal, days: 3, nowSeconds, report: { contentHash: `0x${"ab".repeat(32)}` } },
    );
    expect(signalEnvelope.data.message).toMatchObject({
      title: "Tighter band",
      start: nowSeconds,
      end: nowSeconds + 3 * 86_400,
      snapshot: Number(await publicClient.getBlockNumber()),
      body: `# Tighter band\n\nFrom 5% to 4%.\n\nImpact report: 0x${"ab".repeat(32)}\n`,
    });
    expect(
      await utils.verify(signalEnvelope.address, signalEnvelope.sig, signalEnvelope.data as unknown as SignedData),
    ).toBe(true);

    const vote = { token, space: "trimtab.eth", proposal: "0x1234", choice: "For" };
    await expectRefusal(
      signSnapshotVote({ publicClient, walletClient: eve }, vote),
      `${eve.account.address} has no voting power at block ${await publicClient.getBlockNumber()} (delegate TRIM to it first).`,
    );
    await expectRefusal(
      signSnapshotVote({ publicClient, walletClient: alice }, { ...vote, choice: "Yes" }),
      'The choice must be one of For, Against, Abstain, got "Yes".',
    );
    const voted = await signSnapshotVote({ publicClient, walletClient: alice }, { ...vote, reason: " less drift " });
    expect(voted.votingPower).toBe(holdings.alice);
    expect(voted.envelope.data.message).toMatchObject({ choice: 1, reason: "less drift", proposal: "0x1234" });
    expect(
      await utils.verify(voted.envelope.address, voted.envelope.sig, voted.envelope.data as unknown as SignedData),
    ).toBe(true);
  });
});
