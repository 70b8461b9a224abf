/**
 * Where the web server finds the stack: the chain's JSON-RPC, the subgraph's GraphQL and the deployment record.
 * Set by `npm start`; on another machine through the environment:
 * TRIMTAB_RPC_URL, TRIMTAB_GRAPHQL_URL and TRIMTAB_DEPLOYMENT (a deployments/<network>.json file; a relative path is
 * found from TRIMTAB_ROOT, by default the working directory). Nothing else of the repository is read at run time: the
 * ABIs and the example queries (docs/queries/) are compiled into the build.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { subgraphUrl } from "../../../../sdk/graphql.ts";
import { parseDeploymentRecord, type DeploymentRecord } from "../../../../sdk/deployment.ts";

/** A deployment record (deployments/<network>.json), as Ignition writes it. */
export type Deployment = DeploymentRecord;

export type ServerConfig = { rpcUrl: string; graphqlUrl: string; deploymentFile: string };

export function serverConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const root = path.resolve(env.TRIMTAB_ROOT ?? process.cwd());
  return {
    rpcUrl: env.TRIMTAB_RPC_URL ?? "http://127.0.0.1:8545",
    graphqlUrl: env.TRIMTAB_GRAPHQL_URL ?? subgraphUrl("http://127.0.0.1:8000"),
    deploymentFile: path.resolve(root, env.TRIMTAB_DEPLOYMENT ?? "deployments/localhost.json"),
  };
}

let cached: { file: string; text: string; deployment: Deployment } | undefined;

/**
 * The deployment record, checked as the SDK checks every reader's (sdk/deployment.ts), and re-parsed only when the
 * file changes (a new `npm start` writes a new one).
 */
export async function readDeployment(config: ServerConfig): Promise<Deployment> {
  const text = await readFile(config.deploymentFile, "utf8").catch(() => {
    throw new Error(`${config.deploymentFile}: no deployment record (start the stack with npm start)`);
  });
  if (cached?.file === config.deploymentFile && cached.text === text) return cached.deployment;
  const deployment = parseDeploymentRecord(config.deploymentFile, text);
  cached = { file: config.deploymentFile, text, deployment };
  return deployment;
}
