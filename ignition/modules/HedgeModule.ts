import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The vault's delta hedge on a Morpho Blue market (collateral: the base asset; loan: the hedged risk asset) and the
 * Uniswap V3 pool it sells into. Parameters: vault, morpho, loanToken, collateralToken, oracle, irm, lltv,
 * swapRouter, uniswapFactory, riskSymbol, baseSymbol. It takes effect once governance sets `module.hedge`.
 */
export default buildModule("HedgeModule", (m) => {
  const hedgeModule = m.contract("HedgeModule", [
    m.getParameter<string>("vault"),
    m.getParameter<string>("morpho"),
    {
      loanToken: m.getParameter<string>("loanToken"),
      collateralToken: m.getParameter<string>("collateralToken"),
      oracle: m.getParameter<string>("oracle"),
      irm: m.getParameter<string>("irm"),
      lltv: m.getParameter<bigint>("lltv"),
    },
    m.getParameter<string>("swapRouter"),
    m.getParameter<string>("uniswapFactory"),
    m.getParameter("riskSymbol", "WETH"),
    m.getParameter("baseSymbol", "USDC"),
  ]);
  return { hedgeModule };
});
