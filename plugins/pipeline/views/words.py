"""Fixed words of the board, the deal list, the approval queue, the order and quotation lists and the pipeline's tabs, translated once per locale
and process (issue 18: a template's ``_()`` is a catalogue look-up and a walk up the call stack at every request,
three dozen of them on the board). Read in templates as ``pipeline_words()["…"]``; words with arguments keep ``_()``."""

from __future__ import annotations

from core.i18n import FixedWords, gettext_noop

pipeline_words = FixedWords(
    # The tabs (_macros.html nav).
    gettext_noop("Sales pipeline"), gettext_noop("Board"), gettext_noop("Deals"), gettext_noop("Quotations"),
    gettext_noop("Orders"), gettext_noop("Service tickets"), gettext_noop("Products"), gettext_noop("Targets"),
    # board.html
    gettext_noop("Deal board"), gettext_noop("Open deals by stage (R6)"), gettext_noop("List"), gettext_noop("Show"),
    gettext_noop("Owner"), gettext_noop("All"), gettext_noop("Apply"),
    gettext_noop("Won deals stay in after-sales service while a service ticket of theirs is open (R6.6)."),
    gettext_noop("Move to"), gettext_noop("Move"), gettext_noop("The move failed; reload the page and try again."),
    gettext_noop("weighted"), gettext_noop("Quick create"), gettext_noop("Add the deal"),
    gettext_noop("No deals at this stage."), gettext_noop("Previous"), gettext_noop("Next"),
    gettext_noop("Drag a card onto another column to move it."),
    # deals.html
    gettext_noop("New deal"), gettext_noop("Title or customer"), gettext_noop("Deal"), gettext_noop("Customer"),
    gettext_noop("Stage"), gettext_noop("Status"), gettext_noop("Expected value"), gettext_noop("Probability"),
    gettext_noop("Weighted"), gettext_noop("Expected close"), gettext_noop("No deals yet."),
    gettext_noop("Open the first deal"),
    # approvals.html (its rows: views/approval_cells.py)
    gettext_noop("Discount approvals"), gettext_noop("Quotations above the representative's discount limit (R6.4.2)"),
    gettext_noop("Quotation number, deal or customer"), gettext_noop("Quotation"), gettext_noop("Largest discount"),
    gettext_noop("Total"), gettext_noop("Approval needed from"), gettext_noop("Decision"), gettext_noop("Reason"),
    gettext_noop("Reason (required to refuse)"), gettext_noop("Above your limit"), gettext_noop("Approve"),
    gettext_noop("Refuse"), gettext_noop("No quotation waits for a discount approval."),
    # orders.html (its rows: views/order_cells.py)
    gettext_noop("Import shop orders"), gettext_noop("Order number or customer"), gettext_noop("Number"),
    gettext_noop("Channel"), gettext_noop("Ordered"), gettext_noop("No orders yet."),
    # quotations.html (its rows: views/quotation_cells.py, which fills in the revision's words with %)
    gettext_noop("Quotations and solutions sent to customers (R6.3)"), gettext_noop("Number, deal or customer"),
    gettext_noop("State"), gettext_noop("Valid until"), gettext_noop("%(number)s revision %(revision)s"),
    gettext_noop("No quotations yet."),
)
