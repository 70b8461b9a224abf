// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice One trade of a rebalance, as planned or as executed.
/// @param tokenIn What the vault sells.
/// @param tokenOut What the vault buys.
/// @param amountIn How much it sells (tokenIn wei).
/// @param minAmountOut The least it accepts: the oracle value less the slippage bound (tokenOut wei).
/// @param oraclePriceWad The risk asset's price in the base asset, 18 decimals, per whole token.
struct Trade {
    address tokenIn;
    address tokenOut;
    uint256 amountIn;
    uint256 minAmountOut;
    uint256 oraclePriceWad;
}

/// @notice A holding of the vault with its value and weight.
/// @param valueInBase Value in base-asset wei at oracle prices.
/// @param weightBps Share of NAV, in bps.
/// @param targetBps Target share of NAV, in bps (from the registry).
struct Holding {
    address token;
    uint256 balance;
    uint256 valueInBase;
    uint256 weightBps;
    uint256 targetBps;
}

/// @title IPortfolioVault
/// @notice A multi-asset ERC-4626 vault over a base asset whose strategy parameters all live in Trimtab's
/// ParameterRegistry: target weights, drift band, rebalance interval, trade and slippage caps, oracle guards, fees,
/// deposit cap and pause flags.
/// @dev NAV (`totalAssets`) is every holding converted at oracle prices into the base asset. Deposits need fresh
/// prices; `redeemInKind` needs none and works whatever is paused or down.
interface IPortfolioVault {
    /* EVENTS */

    /// @notice Emitted after every state-changing action with the vault's NAV and share price.
    /// @param totalAssets NAV in base-asset wei.
    /// @param totalSupply Shares outstanding.
    /// @param sharePriceWad Base-asset wei per whole share, 18 decimals.
    event NavUpdated(uint256 totalAssets, uint256 totalSupply, uint256 sharePriceWad);

    /// @notice Emitted when fees are minted as shares to the treasury.
    /// @param managementShares Shares for the management fee since the last accrual.
    /// @param performanceShares Shares for the performance fee above the high-water mark.
    /// @param managementAssets The management fee's value in base-asset wei.
    /// @param performanceAssets The performance fee's value in base-asset wei.
    /// @param highWaterMarkWad The high-water mark after accrual (share price, 18 decimals).
    event FeesAccrued(
        uint256 managementShares,
        uint256 performanceShares,
        uint256 managementAssets,
        uint256 performanceAssets,
        uint256 highWaterMarkWad
    );

    /// @notice Emitted for each trade of a rebalance or a withdrawal's unwind.
    /// @param executionPriceWad Base-asset wei received or paid per whole risk token, 18 decimals.
    event TradeExecuted(
        address indexed tokenIn,
        address indexed tokenOut,
        uint256 amountIn,
        uint256 amountOut,
        uint256 oraclePriceWad,
        uint256 executionPriceWad
    );

    /// @notice Emitted when a rebalance completes.
    /// @param keeper Who called it.
    /// @param trades Number of trades executed (a planned trade is skipped when its pool is past the slippage bound;
    /// the interval starts only when every planned trade filled in full).
    /// @param navBefore NAV before, base-asset wei.
    /// @param navAfter NAV after, base-asset wei.
    event Rebalanced(address indexed keeper, uint256 trades, uint256 navBefore, uint256 navAfter);

    /// @notice Emitted on an in-kind redemption.
    /// @param tokens Every token paid out.
    /// @param amounts What was paid of each.
    event RedeemedInKind(
        address indexed caller,
        address indexed receiver,
        address indexed owner,
        uint256 shares,
        address[] tokens,
        uint256[] amounts
    );

    /// @notice Emitted when a redemption could not take its part of a module's position because the lending market
    /// refused the release (the position past its liquidation LTV, or the market's oracle failing): the redeemer
    /// kept their part of the repaying token, and their part of the position stays with the vault.
    /// @param module The module; @param repaid what was to be repaid; @param released what was to come back.
    /// @param reason The module's revert data.
    event ModuleReleaseFailed(address indexed module, uint256 repaid, uint256 released, bytes reason);

    /* ERRORS */

    /// @notice Thrown when a price feed's latest answer is older than `maxStalenessSeconds`: its asset's
    /// `oracle.maxStalenessSec.<SYMBOL>`, or for a cash exit the heartbeat (`heartbeat.<SYMBOL>`) plus an hour when
    /// that is longer.
    /// @param feed The feed; @param updatedAt its latest answer's time; @param maxStalenessSeconds the oldest allowed.
    error VaultOracleStale(address feed, uint256 updatedAt, uint256 maxStalenessSeconds);

    /// @notice Thrown when a price feed answers zero or a negative price.
    error VaultOracleInvalid(address feed, int256 answer);

    /// @notice Thrown when a price feed's answer is at or below its asset's `oracle.minAnswer.<SYMBOL>` (an OCR
    /// aggregator clamps its answers at its minAnswer: the market may be lower).
    /// @param feed The feed.
    /// @param answerWad Its answer as a USD price, 18 decimals.
    /// @param minAnswerWad The bound, a USD price with 18 decimals.
    error VaultOracleBelowMinAnswer(address feed, uint256 answerWad, uint256 minAnswerWad);

    /// @notice Thrown when a price feed's answer is at or above its asset's `oracle.maxAnswer.<SYMBOL>` (an OCR
    /// aggregator clamps its answers at its maxAnswer: the market may be higher).
    /// @param feed The feed.
    /// @param answerWad Its answer as a USD price, 18 decimals.
    /// @param maxAnswerWad The bound, a USD price with 18 decimals.
    error VaultOracleAboveMaxAnswer(address feed, uint256 answerWad, uint256 maxAnswerWad);

    /// @notice Thrown when an action needs prices while the L2 sequencer uptime feed (`oracle.sequencerFeed`) reports
    /// the sequencer down (or was never initialised: `downSince` zero). Cash exits and in-kind exits stay open.
    /// @param sequencerFeed The uptime feed.
    /// @param downSince When the sequencer went down (the feed's `startedAt`).
    error VaultSequencerDown(address sequencerFeed, uint256 downSince);

    /// @notice Thrown when an action needs prices before `oracle.sequencerGraceSec` has passed since the L2 sequencer
    /// came back up: the feeds may not have caught up yet. Cash exits and in-kind exits stay open.
    /// @param sequencerFeed The uptime feed.
    /// @param upSince When the sequencer came back up (the feed's `startedAt`).
    /// @param graceEndsAt After this time, prices may be used again.
    error VaultSequencerGracePeriod(address sequencerFeed, uint256 upSince, uint256 graceEndsAt);

    /// @notice Thrown when a pool's price deviates from the oracle's by more than `oracle.maxDeviationBps`.
    error VaultPoolPriceDeviates(address pool, uint256 poolPriceWad, uint256 oraclePriceWad, uint256 maxDeviationBps);

    /// @notice Thrown when no pool exists for a risk asset and its fee tier.
    error VaultPoolMissing(address token, uint24 fee);

    /// @notice Thrown when deposits are paused (`pause.deposits`).
    error VaultDepositsPaused();

    /// @notice Thrown when a deposit would take NAV above `caps.depositCap`.
    error VaultDepositCapExceeded(uint256 assets, uint256 maxAssets);

    /// @notice Thrown when rebalancing is paused (`pause.rebalance`).
    error VaultRebalancePaused();

    /// @notice Thrown when `rebalance` is called before `rebalance.minIntervalSec` has passed.
    error VaultRebalanceTooSoon(uint256 lastRebalanceAt, uint256 nextRebalanceAt);

    /// @notice Thrown when `rebalance` is called while every holding is within its band.
    error VaultRebalanceNotDue();

    /// @notice Thrown when a rebalance could fill none of its trades (none to make, or every pool past the slippage
    /// bound): nothing happened, and the next keeper may try again at once.
    error VaultRebalanceNoFill();

    /// @notice Thrown when a module's release failed without a reason (out of gas): retry with more gas.
    error VaultModuleReleaseFailed(address module, bytes reason);

    /// @notice Thrown when the registry's target weights do not sum to 10,000 bps.
    error VaultWeightsInvalid(uint256 sumBps);

    /// @notice Thrown when a rebalance trade's output falls below its slippage bound.
    error VaultSlippageExceeded(
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 amountOut,
        uint256 minAmountOut
    );

    /// @notice Thrown when a withdrawal's unwind yields less than the assets asked for.
    error VaultWithdrawShortfall(uint256 assets, uint256 delivered);

    /// @notice Thrown when a redemption asks for more shares than the owner may redeem.
    error VaultExceededMaxRedeem(address owner, uint256 shares, uint256 max);

    /// @notice Thrown when an address other than the registry's `module.collateral` calls a module function.
    error VaultNotModule(address caller);

    /// @notice Thrown at deployment when the risk assets and their registry symbols do not pair up.
    error VaultSymbolsMismatch(uint256 tokens, uint256 symbols);

    /// @notice Thrown at deployment when more risk assets are given than one vault holds.
    error VaultTooManyRiskAssets(uint256 count, uint256 max);

    /// @notice Thrown at deployment when a registry symbol is longer than 8 bytes (keys such as
    /// `oracle.maxStalenessSec.<SYMBOL>` must fit in 31 characters).
    error VaultSymbolTooLong(string symbol);

    /// @notice Thrown when redeeming zero shares.
    error VaultZeroShares();

    /* VIEWS */

    /// @notice The ParameterRegistry the vault reads every parameter from.
    function registry() external view returns (address);

    /// @notice Where fee shares are minted (the DAO's timelock).
    function treasury() external view returns (address);

    /// @notice The risk assets, in order. The base asset is `asset()`.
    function riskAssets() external view returns (address[] memory);

    /// @notice Every holding: the base asset first, then each risk asset, valued at oracle prices.
    function holdings() external view returns (Holding[] memory);

    /// @notice Base-asset wei per whole share, 18 decimals.
    function sharePriceWad() external view returns (uint256);

    /// @notice The high-water mark of the share price for the performance fee, 18 decimals.
    function highWaterMarkWad() external view returns (uint256);

    /// @notice Whether a rebalance is due now and the trades it would make, for keepers, indexers and simulators.
    /// @dev `due` is false while paused, within the interval, or when every holding is within its band. The interval
    /// runs from the last rebalance that filled its whole plan.
    function rebalancePlan() external view returns (bool due, Trade[] memory trades);

    /* ACTIONS */

    /// @notice Trades holdings back toward their target weights when some holding is outside its band and the
    /// minimum interval has passed. Anyone (keepers) may call it. Each planned trade fills as far as its pool
    /// allows within the slippage bound: fully, partly, or not at all.
    function rebalance() external returns (Trade[] memory executed);

    /// @notice Mints the fees accrued so far. Anyone may call it.
    function accrueFees() external;

    /// @notice Sends `amount` of a vault asset to one of its modules (collateral to post, base to repay or margin).
    /// @dev Only the modules the registry names in `module.collateral` and `module.hedge`.
    function moduleTransfer(address token, uint256 amount) external;

    /// @notice Redeems `shares` for a pro-rata part of every holding, with no trade and no price needed: always
    /// available. It first accrues the fees a cash exit would (management and performance, at the feeds' prices)
    /// whenever a cash exit could price; while a feed is down or older than a cash exit accepts, the management fee
    /// alone.
    function redeemInKind(
        uint256 shares,
        address receiver,
        address owner
    ) external returns (address[] memory tokens, uint256[] memory amounts);
}
