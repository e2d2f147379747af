"""xl_engage: Excel workbooks and Excel functions for MSP client engagement."""

__version__ = "0.1.0"
