"""The reporting domain's refusals: services raise them, views turn them into responses."""


class ReportingError(Exception):
    """Base of the reporting domain's refusals."""


class ReportNotReady(ReportingError):
    """The report is still being built (or failed): there is no file to give."""


class UnsupportedLanguage(ReportingError):
    pass
