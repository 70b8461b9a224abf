import { describe, expect, it } from "vitest";
import { publicMessage } from "./publicMessage.ts";

describe("the message of a page that cannot load", () => {
  it("keeps the reason and hides the endpoints, which may hold API keys", () => {
    expect(
      publicMessage(
        "the subgraph at https://gateway.thegraph.com/api/SECRET/subgraphs/id/Qm does not answer (fetch failed)",
      ),
    ).toBe("the subgraph at (the configured endpoint) does not answer (fetch failed)");
  });

  it("hides the deployment record's path", () => {
    expect(
      publicMessage("/srv/trimtab/deployments/mainnet.json: no deployment record (start the stack with npm start)"),
    ).toBe("(the deployment record): no deployment record (start the stack with npm start)");
  });
});
