export {
  answerCeilingWad,
  maxAssetSymbolLength,
  parameterCatalog,
  parameterCatalogFor,
  vaultAssetParameters,
  type ChainOracleSettings,
  type VaultAssetSettings,
} from "./catalog.ts";
export { encodeDefinition, encodeRules } from "./encode.ts";
export { maxParameterNameLength, parameterKey, parameterName } from "./parameterKey.ts";
export * from "./types.ts";
