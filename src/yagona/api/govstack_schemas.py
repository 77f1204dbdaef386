"""The GovStack Registration Building Block API's request and response shapes (the
spec's names), for the facade in govstack.py."""

from datetime import datetime
from uuid import UUID

from ninja import Schema


class Property(Schema):
    code: str
    value: str


class ServiceOut(Schema):
    id: UUID
    name: str
    version: str
    type: str
    isExecutable: bool
    isClosed: bool
    description: str
    serviceBody: list[Property]


class EFormListItem(Schema):
    eFormId: str
    name: str
    description: str
    version: str
    latest: bool


class FormData(Schema):
    data: dict = {}
    eFormId: str | None = None


class ApplicationFileSubmit(Schema):
    applicantId: str
    applicationName: str | None = None
    created: datetime | None = None
    formData: FormData = FormData()
    documentUrls: list[str] = []


class StatusModel(Schema):
    code: str
    title: str


class ApplicationFileResponse(Schema):
    fileId: str
    applicantId: str
    registered: datetime | None
    serviceId: UUID
    serviceName: str
    status: StatusModel
    ended: bool
    applicationData: ApplicationFileSubmit


class ApplicationListItem(Schema):
    fileId: str
    mainTaskId: str
    taskTitle: str
    roleId: str | None
    roleName: str | None
    assigneeId: str | None
    operatorName: str | None
    status: StatusModel
    applicantId: str
    created: datetime
    registered: datetime | None
    description: str
    serviceName: str
    serviceId: UUID
    eformId: str
    documentUrls: list[str]


class UploadResponse(Schema):
    code: int
    type: str
    message: str
    url: str


class AdditionalData(Schema):
    data: dict = {}


class UserTask(Schema):
    taskId: str
    mainTaskId: str
    name: str
    assigneeId: str | None
    roleId: str | None
    created: datetime | None
    description: str
    serviceId: UUID
    serviceName: str
    fileId: str
    eFormId: str
    status: StatusModel


class CompletedTask(Schema):
    taskId: str
    fileId: str
    serviceId: UUID
    status: StatusModel
    variables: dict
