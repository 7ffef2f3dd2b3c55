"""The pooled budget's arithmetic, pure: the year-end forecast and the risk share.

Money is Decimal to the penny throughout. A share is worked out slice by slice and shown
step by step, so a board member can follow it with a calculator; pennies left by rounding
go to members in alphabetical order (largest remainder first), so the parts always add
up to the whole. Members are never ordered by what they gain or lose.

Risk share (gain/pain), per financial year: the variance V = the pool (what contracts
call the target outturn) - actual outturn, at alliance level (positive: an underspend, a
gain to share; negative: an overspend, a loss). V is shared by the members' agreed
percentages, which total exactly 100%. Optional bands share successive slices of |V| by
their own percentages (the first £500,000 one way, the rest another). An optional cap
limits the providers' painshare in total; beyond it the commissioners carry the loss, in
proportion to their shares.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from alliance.money import format_pounds

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)


class RiskShareInvalid(ValueError):
    """The agreement's shares, bands or cap cannot be applied; the message says why."""


@dataclass(frozen=True)
class Member:
    name: str
    percent: Decimal  # of each pound of variance, e.g. Decimal("33.33")
    is_provider: bool


@dataclass(frozen=True)
class Band:
    """A slice of |V| up to ``up_to`` pounds (None: the rest), shared by ``percents``
    ({member name: percent}, totalling 100) or, when empty, by the members' own shares."""

    up_to: Decimal | None
    percents: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One line of the working: what was done, and the amounts it gave each member."""

    text: str
    amounts: dict[str, Decimal]


@dataclass(frozen=True)
class RiskShare:
    variance: Decimal
    shares: dict[str, Decimal]  # each member's part of V, summing to V exactly
    steps: list[Step]
    capped: bool  # the providers' painshare reached the cap
    carried_by_commissioners: Decimal  # the loss beyond the cap (0 when not capped)


def forecast_run_rate(actual_to_date: Decimal, months_elapsed: int, months: int = 12) -> Decimal:
    """Year-end outturn if spending carries on at the average monthly rate so far."""
    if not 0 < months_elapsed <= months:
        raise ValueError(f"months elapsed must be 1 to {months}")
    return (actual_to_date * months / months_elapsed).quantize(PENNY, ROUND_HALF_UP)


def check_members(members: list[Member]) -> None:
    names = [m.name for m in members]
    if len(set(names)) != len(names):
        raise RiskShareInvalid("Each member has one share.")
    if any(m.percent < 0 for m in members):
        raise RiskShareInvalid("A share cannot be negative.")
    total = sum((m.percent for m in members), Decimal(0))
    if total != HUNDRED:
        raise RiskShareInvalid(f"The shares total {total}%, not 100%.")


def check_agreement(members: list[Member], bands: list[Band] | None = None) -> None:
    """Refuse (RiskShareInvalid, saying why) shares, bands or a cap that cannot be applied."""
    check_members(members)
    _checked_bands(bands or [Band(None)], {m.name: m.percent for m in members})


def share_risk(
    variance: Decimal,
    members: list[Member],
    bands: list[Band] | None = None,
    provider_cap: Decimal | None = None,
) -> RiskShare:
    """Each member's part of the variance, with the working."""
    check_members(members)
    variance = variance.quantize(PENNY)
    names = sorted((m.name for m in members), key=str.casefold)
    own = {m.name: m.percent for m in members}
    bands = _checked_bands(bands or [Band(None)], own)
    sign = 1 if variance >= 0 else -1
    what = "gain (an underspend)" if sign > 0 else "loss (an overspend)"
    steps = [Step(f"Variance: the pool less the outturn = {pounds(variance)}, a {what}.", {})]
    shares = dict.fromkeys(names, Decimal("0.00"))
    left, floor = abs(variance), Decimal(0)
    for band in bands:
        if left <= 0:
            break
        width = left if band.up_to is None else min(left, band.up_to - floor)
        percents = band.percents or own
        part = _split(width * sign, percents, names)
        for name in names:
            shares[name] += part[name]
        upper = "and above" if band.up_to is None else f"to {pounds(band.up_to)}"
        steps.append(
            Step(
                f"{pounds(floor)} {upper}: {pounds(width * sign)} shared "
                + ", ".join(f"{n} {percents.get(n, Decimal(0))}%" for n in names),
                part,
            )
        )
        left -= width
        floor = band.up_to if band.up_to is not None else floor
    capped, carried = False, Decimal("0.00")
    providers = [m.name for m in members if m.is_provider]
    pain = -sum((shares[n] for n in providers), Decimal(0))
    if sign < 0 and provider_cap is not None and pain > provider_cap:
        capped, carried = True, pain - provider_cap
        shares, step = _apply_cap(shares, members, names, provider_cap, carried)
        steps.append(step)
    steps.append(Step("Each member's share", dict(shares)))
    return RiskShare(variance, shares, steps, capped, carried)


def pounds(amount: Decimal) -> str:
    """-£1,234.50 as the working shows it, to the penny."""
    return format_pounds(amount.quantize(PENNY))


def _checked_bands(bands: list[Band], own: dict[str, Decimal]) -> list[Band]:
    previous = Decimal(0)
    for i, band in enumerate(bands):
        last = i == len(bands) - 1
        if (band.up_to is None) != last:
            raise RiskShareInvalid("Only the last band is open-ended, and it must be.")
        if band.up_to is not None and band.up_to <= previous:
            raise RiskShareInvalid("Bands must rise: each ends above the one before.")
        if band.up_to is not None and band.up_to != band.up_to.quantize(PENNY):
            raise RiskShareInvalid(f"A band ends at pounds and pence, not {band.up_to}.")
        if any(p < 0 for p in band.percents.values()):
            raise RiskShareInvalid("A band's share cannot be negative.")
        if band.percents:
            if set(band.percents) != set(own):
                raise RiskShareInvalid("A band gives a percentage to every member, or to none.")
            total = sum(band.percents.values(), Decimal(0))
            if total != HUNDRED:
                raise RiskShareInvalid(f"A band's shares total {total}%, not 100%.")
        previous = band.up_to or previous
    return bands


def _split(amount: Decimal, weights: dict[str, Decimal], names: list[str]) -> dict[str, Decimal]:
    """``amount`` in proportion to ``weights``, to the penny, adding up exactly: pennies
    left by rounding down go to the largest remainders, ties alphabetical."""
    total_pence = int((amount * 100).to_integral_value(ROUND_HALF_UP))
    sign = -1 if total_pence < 0 else 1
    weight = sum((weights.get(n, Decimal(0)) for n in names), Decimal(0))
    exact = {n: Decimal(abs(total_pence)) * weights.get(n, Decimal(0)) / weight for n in names}
    pence = {n: int(exact[n]) for n in names}
    spare = abs(total_pence) - sum(pence.values())
    by_remainder = sorted(names, key=lambda n: (-(exact[n] - pence[n]), n.casefold(), n))
    for name in by_remainder[:spare]:
        pence[name] += 1
    return {n: Decimal(sign * pence[n]).scaleb(-2) for n in names}


def _apply_cap(shares, members, names, cap: Decimal, carried: Decimal):
    providers = {m.name: m.percent for m in members if m.is_provider}
    commissioners = {m.name: m.percent for m in members if not m.is_provider}
    if not sum(commissioners.values(), Decimal(0)):
        raise RiskShareInvalid("A cap needs commissioners with a share to carry the rest.")
    # The providers' capped painshare, between them as their shares stand to each other;
    # the rest, between the commissioners as theirs do.
    provider_part = _split(-cap, providers, sorted(providers, key=str.casefold))
    extra = _split(-carried, commissioners, sorted(commissioners, key=str.casefold))
    capped = {n: provider_part[n] if n in providers else shares[n] + extra[n] for n in names}
    step = Step(
        f"Cap: the providers' painshare is limited to {pounds(cap)}; the {pounds(carried)} "
        "beyond it "
        "is carried by the commissioners, in proportion to their shares.",
        {n: capped[n] - shares[n] for n in names},
    )
    return capped, step
