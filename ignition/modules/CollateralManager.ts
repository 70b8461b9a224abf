import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The vault's collateral manager on a Morpho Blue market (collateral: a risk asset; loan: the base asset).
 * Parameters: vault, morpho, loanToken, collateralToken, oracle, irm, lltv, collateralSymbol, loanSymbol, swapRouter,
 * uniswapFactory (where a deleverage sells collateral when the vault's base asset cannot cover it).
 * It takes effect once governance sets the registry's `module.collateral` to its address.
 */
export default buildModule("CollateralManager", (m) => {
  const collateralManager = m.contract("CollateralManager", [
    m.getParameter<string>("vault"),
    m.getParameter<string>("morpho"),
    {
      loanToken: m.getParameter<string>("loanToken"),
      collateralToken: m.getParameter<string>("collateralToken"),
      oracle: m.getParameter<string>("oracle"),
      irm: m.getParameter<string>("irm"),
      lltv: m.getParameter<bigint>("lltv"),
    },
    m.getParameter("collateralSymbol", "WETH"),
    m.getParameter("loanSymbol", "USDC"),
    m.getParameter<string>("swapRouter"),
    m.getParameter<string>("uniswapFactory"),
  ]);
  return { collateralManager };
});
