"""The chart of Parties over time, on parties made up here: time that ends, uncertain days, membership gaps."""

from __future__ import annotations

from budapest_kg.endpoint.charts import parties_over_time
from budapest_kg.endpoint.treaty import ChartParty

# A party in force from 2010-05-01, denounced with effect on 2012-06-01, in force again from 2014-03-01.
RETURNED = ChartParty(
    periods=[("2010-05-01", "2010-05-01", "2012-06-01", "2012-06-01"), ("2014-03-01", "2014-03-01", "", "")],
    memberships=[("1949-08-09", "")],
)
# A party whose entry into force is known only to lie between 2011-02-01 and 2013-01-01.
UNCERTAIN = ChartParty(periods=[("2011-02-01", "2013-01-01", "", "")])
# A member that left the organisation on 2011-06-30 and came back on 2013-01-15 (as Greece did, earlier).
GAP = ChartParty(
    periods=[("2010-01-01", "2010-01-01", "", "")], memberships=[("1949-08-09", "2011-06-30"), ("2013-01-15", "")]
)
# A party of which nothing is dated: not counted, and said so.
UNDATED = ChartParty(periods=[("", "", "", "")])


def test_each_year_counts_the_parties_on_31_december_by_membership_that_day():
    chart = parties_over_time([RETURNED, UNCERTAIN, GAP, UNDATED])
    table = [(y.year, y.members, y.non_members, y.total, y.possible) for y in chart.years]
    assert table == [
        (2010, 2, 0, 2, 0),  # RETURNED and GAP, both members
        (2011, 1, 1, 2, 1),  # GAP has left the organisation; UNCERTAIN may be a Party already
        (2012, 0, 1, 1, 1),  # RETURNED's denunciation took effect
        (2013, 1, 1, 2, 0),  # UNCERTAIN certain now (a non-member); GAP back
        (2014, 2, 1, 3, 0),  # RETURNED is a Party again
    ]
    assert chart.undated == 1
    assert "3 Parties" in chart.alt_text("a treaty")


def test_no_dated_party_gives_no_years():
    chart = parties_over_time([UNDATED])
    assert (chart.years, chart.undated) == ([], 1)
