"""itslearning over SOAP: IMS Enterprise Services for groups, memberships and persons, DataService for events."""

from edt_import.adapters.itslearning.gateway import ItslearningSettings, SoapLmsGateway

__all__ = ["ItslearningSettings", "SoapLmsGateway"]
