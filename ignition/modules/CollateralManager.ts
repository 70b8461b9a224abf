import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The vault's collateral manager on a Morpho Blue market (collateral: a risk asset; loan: the base asset).
 * Parameters: vault, morpho, loanToken, collateralToken, oracle, irm, lltv, collateralSymbol, loanSymbol.
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
  ]);
  return { collateralManager };
});
