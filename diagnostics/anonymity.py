"""Anonymous campaigns: how small a group of respondents may be shown apart.

One rule for every place that breaks answers down (the results page's service filter, audience
comparison and charts; the export's service and audience columns): a group of fewer than
``settings.ANONYMOUS_MIN_GROUP_SIZE`` respondents of an anonymous campaign is not shown on its own,
since a head of service with two agents would otherwise read what each of them answered.
"""

from django.conf import settings


def min_group_size() -> int:
    return settings.ANONYMOUS_MIN_GROUP_SIZE


def is_small_group(count: int) -> bool:
    """Is a group of ``count`` respondents of an anonymous campaign too small to be shown apart?"""
    return count < settings.ANONYMOUS_MIN_GROUP_SIZE


def breakdown_allowed(size: int) -> bool:
    """May a group of ``size`` submitted responses to an anonymous campaign be shown on its own?

    A group is what a filter or a column isolates: a service, an audience beside the others, an export
    column. Named campaigns are not concerned.
    """
    return not is_small_group(size)
