"""xl_engage's Excel functions for xlwings Lite.

Made by `xl-engage functions --lite` (xl-engage 0.1.0) from the function registry:
regenerate it rather than edit it. Paste it into xlwings Lite's main.py, and the lines of
requirements.txt into its requirements.txt tab.
"""


from xlwings import arg, func

from xl_engage import functions as F


@func
@arg('msp_mrr', doc="The client's managed-services MRR in dollars, e.g. 5000.")
@arg('ratio', doc='Share of the MSP MRR charged for the vCIO; blank = 0.20 (the 20 % rule).')
def vcio_price(msp_mrr, ratio=None):
    """Stand-alone vCIO MRR by the 20 % rule: ratio × managed-services MRR, to the cent."""
    return F.vcio_price(msp_mrr, ratio)


@func
@arg('employees', doc="The client's head count (whole number), e.g. 45.")
@arg('packages_range', doc="Optional two-column range: package name | minimum employees; blank = the firm's packages (vCIO Light 20, Basic 30, Professional 40, Enterprise 70).", ndim=2)
@arg('advisory_name', doc='Optional name shown below the smallest package; blank = "Client Advisory".')
def vcio_package(employees, packages_range=None, advisory_name=None):
    """The recommended vCIO package for a head count (the largest minimum not above it)."""
    return F.vcio_package(employees, packages_range, advisory_name)


@func
@arg('hours_range', doc='Hours per occurrence of each service line (a range; blank cells are skipped).', ndim=2)
@arg('cycles_range', doc="Each line's cycle: annual, quarterly (3/yr), monthly (12/yr), weekly (48/yr) or a number of occurrences per year; one cycle applies to every line.", ndim=2)
@arg('rate', doc='Internal hourly rate in dollars; blank = 200.')
def vcio_cycle_mrr(hours_range, cycles_range, rate=None):
    """Cycle-based MRR: Σ hours × occurrences per year × rate / 12, to the cent."""
    return F.vcio_cycle_mrr(hours_range, cycles_range, rate)


@func
@arg('mrr', doc='A vCIO MRR in dollars, e.g. 1000.')
@arg('rate', doc='Internal planning rate in dollars per hour; blank = 200.')
def vcio_hours(mrr, rate=None):
    """Yearly vCIO hours an MRR pays for: MRR × 12 / rate (not rounded)."""
    return F.vcio_hours(mrr, rate)


@func
@arg('clients', doc='Number of clients in the segment (whole number).')
@arg('adoption', doc='Share of those clients who take part, 0 to 1 (e.g. 0.6 or 60%).')
@arg('added_project_revenue', doc='Added project revenue per adopting client per year, in dollars.')
@arg('added_mrr', doc='Added managed-services MRR per adopting client, in dollars a month.')
@arg('added_services_mrr', doc='Added professional-services (vCIO) MRR per adopting client, dollars a month.')
@arg('hours_per_account', doc='Account-management hours per adopting client per year; blank = 10.')
@arg('rate', doc="The account manager's internal hourly rate in dollars; blank = 45.")
@arg('tool_cost_month', doc="The account-management tool's monthly cost in dollars; blank = 249.")
def am_roi(clients, adoption, added_project_revenue, added_mrr, added_services_mrr, hours_per_account=None, rate=None, tool_cost_month=None):
    """ROI multiple of account management for one segment bearing the whole tool cost."""
    return F.am_roi(clients, adoption, added_project_revenue, added_mrr, added_services_mrr, hours_per_account, rate, tool_cost_month)


@func
@arg('cost', doc='What the item costs the MSP, in dollars.')
@arg('markup', doc='Markup on cost as a fraction, e.g. 0.30 or 30% (≥ 0).')
def price_from_markup(cost, markup):
    """Price with a markup on cost: cost × (1 + markup), to the cent."""
    return F.price_from_markup(cost, markup)


@func
@arg('cost', doc='What the item costs the MSP, in dollars.')
@arg('margin', doc='Gross margin on the price as a fraction, 0 ≤ margin < 1, e.g. 0.30 or 30%.')
def price_from_margin(cost, margin):
    """Price with a gross margin on price: cost / (1 − margin), to the cent."""
    return F.price_from_margin(cost, margin)


@func
@arg('purchase_date', doc='The purchase date: a date, a date serial number or text such as 2022-01-02 or 1/2/2022; may be blank when warranty_end is given.')
@arg('asset_type', doc='The asset type as the life-cycle policy names it, e.g. "Workstation", "Laptop", "Server".')
@arg('warranty_end', doc='Optional warranty end date; the replacement date where the policy replaces on warranty (Server), or when purchase_date is blank.')
def lifecycle_replace_date(purchase_date, asset_type, warranty_end=None):
    """Replacement date by the life-cycle policy, as a date serial number: format the cell as a date."""
    return F.lifecycle_replace_date(purchase_date, asset_type, warranty_end)


@func
@arg('replace_date', doc='The replacement date: a date, a date serial number or text such as 2026-01-02; blank = "Unknown date".')
@arg('as_of', doc='Optional date the status is measured from; blank = today.')
def lifecycle_status(replace_date, as_of=None):
    """Replacement status: Overdue, Due ≤ 90 days, Due ≤ 180 days, Due ≤ 365 days or OK."""
    return F.lifecycle_status(replace_date, as_of)


@func
@arg('amount', doc='The recurring amount before any increase, in dollars, e.g. 500 a month.')
@arg('start', doc='The month the cost goes live (any day of it): a date, a date serial number or text.')
@arg('month', doc='The month to budget (any day of it): a date, a date serial number or text.')
@arg('increase', doc='Increase on each anniversary of the start month as a fraction, 0 to 1, e.g. 0.05 or 5%; blank = 0.')
def budget_recurring(amount, start, month, increase=None):
    """Amount due in a month for a recurring cost raised on each anniversary, to the cent; 0 before it starts."""
    return F.budget_recurring(amount, start, month, increase)


@func
@arg('row_range', doc="One area's codes across the parties: a one-row or one-column range of R, A, C, I or A/R (any case); blank cells are skipped.", ndim=2)
def raci_check(row_range):
    """The RACI rule for one area: "OK" (one accountable, at least one responsible), or why not."""
    return F.raci_check(row_range)


@func
@arg('matrix_range', doc="The matrix block: the first row holds the party names, each row below one area's codes (R, A, C, I or A/R; blank cells are skipped).", ndim=2)
@arg('party', doc='The party to count, as named in the header row (any case), e.g. "TAM".')
@arg('codes', doc='The codes to count, separated by commas: "A", "R", "C", "I" or e.g. "A,R"; A and R each include A/R, which counts once; blank = "A,R".')
def raci_load(matrix_range, party, codes=None):
    """How many areas (rows below the header) give a party one of the codes; A/R counts once."""
    return F.raci_load(matrix_range, party, codes)


@func
@arg('mrr', doc="The client's monthly recurring revenue in dollars, e.g. 3000.")
@arg('users', doc="The client's number of users (whole number); blank = unknown, counted as 0.")
@arg('complexity', doc="The client's complexity, a whole number from 1 (simple) to 10.")
@arg('part', doc='What to return: "meetings" (a year), "touches" (a month), "rule" (its name); blank = all three as text.')
def meeting_cadence(mrr, users, complexity, part=None):
    """The meeting cadence of a client from the first cadence rule it matches (``playbook.toml``)."""
    return F.meeting_cadence(mrr, users, complexity, part)


@func
@arg('objective', doc='The annual objective of an activity (a count), e.g. 520 unique touches.')
@arg('done', doc='How many are done so far; blank = 0.')
@arg('weeks_left', doc='Working weeks left in the year, above 0.')
def playbook_weekly_rate(objective, done, weeks_left):
    """Still to do each remaining week: (objective − done) / weeks left, never below 0."""
    return F.playbook_weekly_rate(objective, done, weeks_left)


@func
@arg('clients', doc='How many clients the vCIO handles (whole number).')
@arg('mrr', doc="Those clients' total monthly recurring revenue in dollars.")
def vcio_capacity(clients, mrr):
    """A vCIO's load against the reference capacity (``playbook.toml``: 40 clients, $120,000 MRR, ±10 %)."""
    return F.vcio_capacity(clients, mrr)


@func
@arg('actual', doc='What was spent, e.g. 1200 (a refund may make it negative).')
@arg('budget', doc='What was budgeted, e.g. 1000.')
def variance(actual, budget):
    """Actual − budget: positive is over budget (unfavourable for a cost). ``=VARIANCE(1200, 1000)`` → 200."""
    return F.variance(actual, budget)


@func
@arg('actual', doc='What was spent, e.g. 1200.')
@arg('budget', doc='What was budgeted, e.g. 1000; 0 gives no percentage (an empty text).')
def variance_pct(actual, budget):
    """(Actual − budget) / budget, as a fraction; empty when the budget is 0, never #DIV/0!."""
    return F.variance_pct(actual, budget)


@func
@arg('actual', doc='What was spent.')
@arg('budget', doc='What was budgeted.')
@arg('abs_tol', doc="Within this many dollars either way is Green; blank = reconcile.toml's (500).")
@arg('pct_tol', doc='Within this share of the budget either way is Green, e.g. 0.1 or 10%; blank = 0.10.')
def variance_flag(actual, budget, abs_tol=None, pct_tol=None):
    """Green within either tolerance, Red over budget beyond both, Amber under budget beyond both."""
    return F.variance_flag(actual, budget, abs_tol, pct_tol)
