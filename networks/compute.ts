/**
 * What follows from an address book's entries by computation alone: a Morpho Blue market's id from its parameters,
 * a Uniswap V3 pool's address from its factory, tokens and fee (CREATE2 with the pool init code hash), and that hash
 * from the UniswapV3Pool creation code the npm package ships.
 */
import { createRequire } from "node:module";
import { encodeAbiParameters, getCreate2Address, keccak256, type Address, type Hex } from "viem";

/** Morpho Blue's market id: keccak256 of the ABI-encoded MarketParams (loan, collateral, oracle, irm, lltv). */
export function morphoMarketId(params: {
  loanToken: Address;
  collateralToken: Address;
  oracle: Address;
  irm: Address;
  lltv: bigint;
}): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "address" }, { type: "address" }, { type: "address" }, { type: "address" }, { type: "uint256" }],
      [params.loanToken, params.collateralToken, params.oracle, params.irm, params.lltv],
    ),
  );
}

/**
 * A Uniswap V3 pool's address, as v3-periphery's PoolAddress.computeAddress derives it: CREATE2 by the factory with
 * salt keccak256(abi.encode(token0, token1, fee)) (tokens sorted) and the pool init code hash.
 */
export function uniswapV3PoolAddress(params: {
  factory: Address;
  initCodeHash: Hex;
  tokenA: Address;
  tokenB: Address;
  fee: number;
}): Address {
  const [token0, token1] =
    BigInt(params.tokenA) < BigInt(params.tokenB) ? [params.tokenA, params.tokenB] : [params.tokenB, params.tokenA];
  const salt = keccak256(
    encodeAbiParameters([{ type: "address" }, { type: "address" }, { type: "uint24" }], [token0, token1, params.fee]),
  );
  return getCreate2Address({ from: params.factory, salt, bytecodeHash: params.initCodeHash });
}

/** Where the UniswapV3Pool creation code comes from (the package the devnet deploys Uniswap V3 from). */
export const uniswapV3PoolArtifact = "@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json";

/** keccak256 of UniswapV3Pool's creation code in @uniswap/v3-core: the init code hash of every pool its factory makes. */
export function uniswapV3PoolInitCodeHash(): Hex {
  const { bytecode } = createRequire(import.meta.url)(uniswapV3PoolArtifact) as { bytecode: Hex };
  return keccak256(bytecode);
}
