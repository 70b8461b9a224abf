export {
  answerCeilingWad,
  maxAssetSymbolLength,
  parameterCatalog,
  vaultAssetParameters,
  type VaultAssetSettings,
} from "./catalog.ts";
export { encodeDefinition, encodeRules } from "./encode.ts";
export { maxParameterNameLength, parameterKey, parameterName } from "./parameterKey.ts";
export * from "./types.ts";
