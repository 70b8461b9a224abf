import { createRequire } from "node:module";
import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { configVariable, defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

/** A solc-js compiler from npm, pinned in package.json: nothing is downloaded. */
function solcJs(packageName: string) {
  return {
    version: (require(`${packageName}/package.json`) as { version: string }).version,
    path: require.resolve(`${packageName}/soljson.js`),
  };
}
const settings = { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" };
/** Trimtab's contracts: solc 0.8.34. Morpho Blue (devnet only, pragma 0.8.19): its own compiler. */
/**
 * The vault is near the 24 KB limit and, like the hedge module and the vault's exit plan (which the vault's
 * valuation base compiles in), deep in locals: the IR pipeline packs them smaller and without stack limits (at about
 * twice the compile time, so only for them).
 */
const viaIR = { ...solcJs("solc"), settings: { ...settings, viaIR: true } };
/** The vault itself is tuned for 100 runs rather than 200: about 80 bytes smaller, about 500 gas more per action. */
const vaultIR = { ...solcJs("solc"), settings: { ...settings, optimizer: { enabled: true, runs: 100 }, viaIR: true } };
const vaultOverrides = {
  "contracts/vault/PortfolioVault.sol": vaultIR,
  "contracts/vault/HedgeModule.sol": viaIR,
  "contracts/vault/VaultValuation.sol": viaIR,
  "contracts/vault/libraries/ExitPlanLib.sol": viaIR,
};
const compilers = [
  { ...solcJs("solc"), settings },
  { ...solcJs("solc-0819"), settings: { ...settings, evmVersion: "paris" } },
];

export default defineConfig({
  plugins: [hardhatViem, hardhatIgnitionViem, hardhatNetworkHelpers],
  solidity: {
    profiles: {
      default: { compilers, overrides: vaultOverrides },
      production: { compilers, overrides: vaultOverrides },
    },
    npmFilesToBuild: [
      "@openzeppelin/contracts/governance/TimelockController.sol",
      "@morpho-org/morpho-blue/src/Morpho.sol",
      "@morpho-org/morpho-blue/src/mocks/IrmMock.sol",
    ],
  },
  test: {
    solidity: {
      // Fixed seeds keep CI reproducible; change them locally to explore further.
      fuzz: { runs: 1_024, seed: "0x7472696d746162" },
      invariant: { runs: 1_024, depth: 100, failOnRevert: true },
    },
  },
  networks: {
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    // Real chains: values come from the environment (configuration variables; Hardhat's keystore once its plugin
    // is added), read only when the network is used, so nothing is required for tests.
    // `npm run deploy -- --network <name>` deploys with the address book of networks/<name>.ts.
    mainnet: {
      type: "http",
      chainType: "l1",
      chainId: 1,
      url: configVariable("MAINNET_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    base: {
      type: "http",
      chainType: "op",
      chainId: 8453,
      url: configVariable("BASE_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    arbitrum: {
      type: "http",
      chainType: "generic",
      chainId: 42161,
      url: configVariable("ARBITRUM_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
});
