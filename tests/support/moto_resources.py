"""Tables and buckets on moto (in-process ``mock_aws``), built from ``template.yaml``'s own properties."""

from __future__ import annotations

from typing import Any, Final

import boto3
from cfnlint.decode import cfn_yaml
from local_stack.template import TEMPLATE

REGION: Final = "eu-west-3"
_TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "BillingMode", "GlobalSecondaryIndexes")


def create_table(logical_id: str, name: str) -> str:
    """The template's ``logical_id`` table, created under ``name`` on the active moto mock."""
    properties: Any = cfn_yaml.load(str(TEMPLATE))["Resources"][logical_id]["Properties"]
    spec = {key: properties[key] for key in _TABLE_KEYS if key in properties}
    boto3.client("dynamodb", region_name=REGION).create_table(TableName=name, **spec)
    return name


def create_bucket(name: str) -> str:
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return name
